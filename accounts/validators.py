"""Password rules in Chinese.

Django 5.2's Simplified Chinese catalogue lacks the minimum-length message (its wording changed
upstream), so officials saw "This password is too short…" in English; the other validators'
messages are translated and are used as they are.
"""

from django.contrib.auth.password_validation import MinimumLengthValidator


class ChineseMinimumLengthValidator(MinimumLengthValidator):
    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"
