"""The bulletin's Word template is data, never code.

The bureau may upload its own Word template (docxtpl tags, which are Jinja2). A plain Jinja2
environment lets such a text reach Python's internals (`cycler.__init__.__globals__`, `self`,
`lipsum`, `"…".format`, the `attr` filter) and run commands on the server. So a template is
read in two steps, both here:

1. Checked before anything renders it: every tag is parsed on its own and may use only the
   names the bulletin hands it (`CONTEXT_NAMES`, the loop variables it defines itself and
   `loop`), keys of those values (no name starting with "_", no method of a dict or list),
   constant indexes, the filters and tests listed below, comparisons, `and`/`or`/`not`, `+`,
   `-` and `~`; the statements `for`, `if`/`elif`/`else`, `set NAME = …`. Anything else — a
   call, an import, a macro, `**`, `*`, `%` — refuses the template, naming the tag. Nothing of
   the template is run to find that out.
2. Rendered by `SandboxedTemplates`, Jinja2's immutable sandbox with no globals, only those
   filters and tests, no attribute of any Python object but the loop's counters, no call, no
   `* / // % **`, and every printed text cleaned of control characters. The environment runs
   step 1 again on every source it compiles, so no code path can render an unchecked text.
"""

import io
import re

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.environment import Environment
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.tests import TESTS as JINJA_TESTS
from markupsafe import Markup

from beibei_dashboard.cleantext import clean_text

# The names `docx_export.docx_context` hands a template (tested equal to its keys).
CONTEXT_NAMES = frozenset(
    {
        "draft",
        "title",
        "issuer",
        "date_cn",
        "issue_label",
        "no",
        "overall",
        "race_rule",
        "race",
        "lagging",
        "warning",
        "tasks",
        "rules",
        "charts_overall",
        "charts_overall_note",
        "send_to",
        "copy_to",
        "annex1",
        "annex2",
    }
)

FILTER_NAMES = (
    "default",
    "d",
    "length",
    "count",
    "join",
    "first",
    "last",
    "upper",
    "lower",
    "trim",
    "replace",
    "truncate",
    "round",
    "int",
    "string",
    "e",
    "escape",
)
TEST_NAMES = (
    "defined",
    "undefined",
    "none",
    "number",
    "string",
    "odd",
    "even",
    "true",
    "false",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "in",
)
LOOP_ATTRIBUTES = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length"})
# Methods of the containers a template is handed: useless without a call, and a way to print
# a bound method's address or shadow a key.
CONTAINER_METHODS = frozenset(name for kind in (dict, list, tuple) for name in dir(kind))
STATEMENTS_WITH_EXPRESSION = ("for", "if", "elif", "set")
STATEMENTS_BARE = ("else", "endfor", "endif")

_NODES = frozenset(
    {
        nodes.Template,
        nodes.Output,
        nodes.TemplateData,
        nodes.Const,
        nodes.Name,
        nodes.Getattr,
        nodes.Getitem,
        nodes.Filter,
        nodes.Test,
        nodes.Compare,
        nodes.Operand,
        nodes.And,
        nodes.Or,
        nodes.Not,
        nodes.Neg,
        nodes.Pos,
        nodes.Add,
        nodes.Sub,
        nodes.Concat,
        nodes.CondExpr,
        nodes.For,
        nodes.If,
        nodes.Assign,
        nodes.Tuple,
        nodes.List,
    }
)
_NODE_WORDS = {
    nodes.Call: "调用函数或方法",
    nodes.Mul: "乘法",
    nodes.Div: "除法",
    nodes.FloorDiv: "整除",
    nodes.Mod: "取余或格式化",
    nodes.Pow: "乘方",
    nodes.Slice: "切片",
    nodes.Dict: "字典",
    nodes.NSRef: "命名空间赋值",
    nodes.Keyword: "关键字参数",
}
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_SHOWN = 80  # characters of a tag quoted in a message


class TemplateBroken(Exception):
    """A Word template could not render a bulletin; the message says why, in Chinese."""


class TemplateUnsafe(TemplateBroken):
    """A Word template asks for something a bulletin template may not do."""


class _Refused(Exception):
    """One reason a tag is refused (Chinese)."""


def _quote(tag):
    tag = " ".join(tag.split())
    return tag if len(tag) <= _SHOWN else tag[: _SHOWN - 1] + "…"


def check_node(node, names):
    """Raise _Refused when the expression or statement tree `node` does anything a bulletin
    template may not; `names` are the variables it may read."""
    kind = type(node)
    if kind not in _NODES:
        raise _Refused(f"不允许{_NODE_WORDS.get(kind, '此类语句')}")
    if kind is nodes.Name:
        if node.name.startswith("_") or (node.ctx == "load" and node.name not in names):
            raise _Refused(f"不能使用“{node.name}”（模板只能使用通报提供的数据）")
    elif kind is nodes.Getattr:
        _check_attribute(node)
    elif kind is nodes.Getitem:
        key = node.arg
        if not (isinstance(key, nodes.Const) and isinstance(key.value, int | str)):
            raise _Refused("方括号中只能写数字或文字")
        if isinstance(key.value, str) and (key.value.startswith("_") or key.value in CONTAINER_METHODS):
            raise _Refused(f"不能读取“{key.value}”")
    elif kind in (nodes.Filter, nodes.Test):
        allowed = FILTER_NAMES if kind is nodes.Filter else TEST_NAMES
        if node.name not in allowed:
            what = "过滤器" if kind is nodes.Filter else "判断"
            raise _Refused(f"不允许使用{what}“{node.name}”（可用：{'、'.join(allowed)}）")
        if node.dyn_args is not None or node.dyn_kwargs is not None or node.kwargs:
            raise _Refused(f"“{node.name}”不能带关键字参数")
    elif kind is nodes.For and node.recursive:
        raise _Refused("不允许递归循环")
    elif kind is nodes.Const and isinstance(node.value, str) and len(node.value) > 1000:
        raise _Refused("文字常量过长")
    for child in node.iter_child_nodes():
        check_node(child, names)


def _check_attribute(node):
    attr = node.attr
    if attr.startswith("_"):
        raise _Refused(f"不能读取以下划线开头的属性“{attr}”")
    if isinstance(node.node, nodes.Name) and node.node.name == "loop":
        if attr not in LOOP_ATTRIBUTES:
            raise _Refused(f"loop只能读取{'、'.join(sorted(LOOP_ATTRIBUTES))}")
    elif attr in CONTAINER_METHODS or attr in ("format", "format_map", "mro"):
        raise _Refused(f"不能读取“{attr}”")


def _fragment(tag):
    """(a template holding `tag` alone, parseable on its own) or None for a bare end/else tag."""
    opening = tag[:2]
    inner = tag[2:-2].strip("-+").strip()
    if opening == "{{":
        return "{{ " + inner + " }}"
    keyword, _, rest = inner.partition(" ")
    if keyword in STATEMENTS_BARE and not rest.strip():
        return None
    if keyword == "for":
        return "{% " + inner + " %}{% endfor %}"
    if keyword in ("if", "elif"):
        return "{% if " + rest + " %}{% endif %}"
    if keyword == "set" and "=" in rest:
        return "{% " + inner + " %}"
    raise _Refused(f"不允许语句“{keyword or inner}”（可用：for、if、elif、else、set）")


def _assigned(tree):
    return {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}


_PARSER = Environment(autoescape=True)  # parsing only: nothing parsed by it is ever rendered


def source_problems(source, extra_names=()):
    """Every refused tag of one template text (a document part after docxtpl's patching), as
    Chinese sentences naming the tag; [] when every tag is allowed."""
    problems, trees = [], []
    for match in _TAG.finditer(source):
        tag = match.group(0)
        try:
            fragment = _fragment(tag)
            if fragment is not None:
                trees.append((tag, _PARSER.parse(fragment)))
        except _Refused as exc:
            problems.append(f"标记“{_quote(tag)}”：{exc}。")
        except TemplateSyntaxError:
            problems.append(f"标记“{_quote(tag)}”写法有误，无法识别。")
    names = set(CONTEXT_NAMES) | {"loop"} | set(extra_names)
    for _, tree in trees:
        names |= _assigned(tree)
    for tag, tree in trees:
        try:
            check_node(tree, names)
        except _Refused as exc:
            problems.append(f"标记“{_quote(tag)}”：{exc}。")
    return problems


def document_sources(data):
    """The texts docxtpl hands Jinja for a .docx: body, headers, footers, footnotes (each after
    its own patching) and the document properties it renders."""
    tpl = DocxTemplate(io.BytesIO(data))
    tpl.init_docx()
    sources = [tpl.patch_xml(tpl.get_xml())]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        sources += [tpl.patch_xml(tpl.get_part_xml(part)) for _, part in tpl.get_headers_footers(uri)]
    footnotes = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    for part in tpl.docx.part.package.parts:
        if part.content_type == footnotes:
            blob = part.blob
            sources.append(tpl.patch_xml(blob.decode("utf-8") if isinstance(blob, bytes) else blob))
    props = tpl.docx.core_properties
    sources += [getattr(props, p) or "" for p in ("author", "comments", "identifier", "language", "subject", "title")]
    return sources


def template_problems(data):
    """Every refused tag of a .docx template (Chinese, naming the tag); [] when it is safe.
    A file that is not a Word document is a problem too. Nothing of the template is run."""
    try:
        sources = document_sources(data)
    except Exception:  # noqa: BLE001 -- python-docx raises zip, XML and key errors alike
        return ["文件不是有效的Word文档（.docx）。"]
    problems = []
    for source in sources:
        problems += [p for p in source_problems(source) if p not in problems]
    return problems


def _clean_output(value):
    """Every printed value of a template loses control characters (XML cannot hold them)."""
    if isinstance(value, Markup):
        return Markup(clean_text(str(value)))  # noqa: S704 -- already markup; only controls removed
    return clean_text(value)


class SandboxedTemplates(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, narrowed to what a bulletin template needs (module doc)."""

    intercepted_binops = frozenset({"*", "/", "//", "%", "**"})

    def __init__(self):
        super().__init__(undefined=StrictUndefined, autoescape=True, finalize=_clean_output)
        self.globals.clear()
        self.filters = {name: JINJA_FILTERS[name] for name in FILTER_NAMES}
        self.tests = {name: JINJA_TESTS[name] for name in TEST_NAMES}

    def is_safe_attribute(self, obj, attr, value):
        return isinstance(obj, LoopContext) and attr in LOOP_ATTRIBUTES

    def is_safe_callable(self, obj):
        return False

    def call_binop(self, context, operator, left, right):
        raise SecurityError(f"operator {operator!r} is not allowed")

    def _parse(self, source, name, filename):
        problems = source_problems(source)
        if problems:
            raise TemplateUnsafe(refusal(problems))
        return super()._parse(source, name, filename)


def refusal(problems, shown=5):
    """One Chinese message for a refused template: the first problems and how many there are."""
    head = "模板含有不允许的标记，未予采用（模板只能引用通报提供的数据，不能调用函数或访问系统对象）："
    more = f"另有{len(problems) - shown}处。" if len(problems) > shown else ""
    return head + "".join(problems[:shown]) + more


def error_message(exc):
    """A Chinese message for a template that failed to render; it names the tag or the kind of
    problem and never echoes a value computed while rendering."""
    if isinstance(exc, TemplateUnsafe):
        return str(exc)
    name = type(exc).__name__
    if name == "BadZipFile":
        return "文件不是有效的Word文档（.docx）。"
    if isinstance(exc, SecurityError):
        return "模板标记访问了不允许的内容，未予采用。"
    if isinstance(exc, TemplateSyntaxError):
        line = f"（第{exc.lineno}行附近）" if exc.lineno else ""
        return f"模板标记写法有误{line}，请检查“{{{{”“{{%”是否成对、标记是否在同一段文字中完整输入。"
    if name == "UndefinedError":
        return "模板引用了通报中没有的数据（请核对标记中的名称）。"
    return f"模板无法生成通报（{name}）。"
