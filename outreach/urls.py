from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("outreach/firms/<int:pk>/", views.firm_outreach, name="firm_outreach"),
    path("outreach/firms/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("outreach/firms/<int:pk>/problems/new/", views.problem_create, name="problem_create"),
    path("outreach/problems/", views.ProblemListView.as_view(), name="problem_list"),
    path("outreach/problems/to-answer/", views.AnswerListView.as_view(), name="problem_answer_list"),
    path("outreach/problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("outreach/problems/<int:pk>/start/", views.problem_start, name="problem_start"),
    path("outreach/problems/<int:pk>/close/", views.problem_close, name="problem_close"),
]
