"""Feedback that tells the truth about what is not graded yet.

nbgrader's feedback template prints every cell's score as a number, so a written answer released
before anyone graded it reads "Score: 0.0 / 2.0" -- to the student, a zero. Here:

- :class:`MarkPendingGrades` (a preprocessor, after nbgrader's ``GetGrades``) marks each graded
  cell still waiting for a person (``needs_manual_grade`` and no manual score) as ``pending``,
  counts those points, and reads the grader's verdict file ``<notebook>.grading.json`` (written
  next to the autograded notebook) so an incomplete grading is said in the feedback;
- :class:`PendingFeedbackExporter` (nbgrader's HTML exporter with a small template on top of
  nbgrader's own ``feedback`` template) shows such a cell as "pending", the total as "N points
  pending manual grading", and the grading status when the grading was incomplete.

``course/nbgrader_config.py`` wires both in (its "--- feedback ---" section).
"""

from __future__ import annotations

import json
import os
from typing import Any

from jinja2 import DictLoader
from nbconvert.exporters import HTMLExporter
from nbformat import NotebookNode
from traitlets import default

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor

__all__ = ["MarkPendingGrades", "PendingFeedbackExporter", "TEMPLATE_NAME", "TEMPLATE"]

TEMPLATE_NAME = "exprlib_feedback.html.j2"

# A child of nbgrader's feedback template ("index.html.j2" of its "feedback" template folder).
# Jinja lets the parent's top-level macros win over a child's of the same name, so the macros
# here have their own names; the blocks that print scores (the table of contents in ``body``,
# the cell headings in ``markdowncell`` and ``input``) are re-stated with them. Everything
# else -- the cells, the comments, the late penalty -- is nbgrader's.
TEMPLATE = r"""{%- extends 'index.html.j2' -%}

{% macro exprlib_score_text(cell) -%}
{%- if cell.metadata.nbgrader.pending -%}
Score: <span class="pending">pending</span> / {{ cell.metadata.nbgrader.points | float | round(2) }}
{%- else -%}
Score: {{ cell.metadata.nbgrader.score | float | round(2) }} / {{ cell.metadata.nbgrader.points | float | round(2) }}
{%- endif -%}
{%- endmacro %}

{% macro exprlib_score(cell) -%}
  <span class="pull-right">
      {{ exprlib_score_text(cell) }} <a href="#top">(Top)</a>
  </span>
{%- endmacro %}

{% macro exprlib_heading(cell) -%}
{%- if cell.metadata.nbgrader.solution or cell.metadata.nbgrader.task -%}
<a name="comment-{{ cell.metadata.nbgrader.grade_id }}"></a>
{%- endif -%}
{%- if cell.metadata.nbgrader.grade -%}
<a name="{{ cell.metadata.nbgrader.grade_id }}"></a>
{%- endif -%}
<div class="panel-heading">
{%- if cell.metadata.nbgrader.solution -%}
  <span class="nbgrader-label">Student's answer</span>
  {%- if cell.metadata.nbgrader.grade  -%}
  {{ exprlib_score(cell) }}
  {%- else -%}
  <span class="pull-right"><a href="#top">(Top)</a></span>
  {%- endif -%}
{%- elif cell.metadata.nbgrader.task -%}
  <span class="nbgrader-label">Student's task</span>
  {{ exprlib_score(cell) }}
{%- elif cell.metadata.nbgrader.grade -%}
  <span class="nbgrader-label">Grade cell: <code>{{ cell.metadata.nbgrader.grade_id }}</code></span>
  {{ exprlib_score(cell) }}
{%- endif -%}
</div>
{%- endmacro %}

{% block body %}
<body>
  <a name="top"></a>
  <div class="container">
    <div class="panel panel-default">
      <div class="panel-heading">
        <h4>{{ resources.nbgrader.notebook }} (Score: {{ resources.nbgrader.score | float | round(2) }} / {{ resources.nbgrader.max_score | float | round(2) }}
        {%- if resources.nbgrader.pending %}; <span class="pending-total">{{ resources.nbgrader.pending | float | round(2) }} points pending manual grading</span>{% endif -%}
        )</h4>
        {%- if resources.nbgrader.grading_status %}
        <p class="grading-status"><b>Grading {{ resources.nbgrader.grading_status | e }}:</b> {{ resources.nbgrader.grading_reason | e }}.
        Tests that did not run score 0.</p>
        {%- endif %}
        <div id="toc">
          <ol>
          {% for cell in nb.cells %}
            {% if cell.metadata.nbgrader and cell.metadata.nbgrader.grade and not cell.metadata.nbgrader.solution %}
            <li><a href="#{{ cell.metadata.nbgrader.grade_id }}">Test cell</a> ({{ exprlib_score_text(cell) }})</li>
            {% elif cell.cell_type == "code" and cell.metadata.nbgrader and cell.metadata.nbgrader.grade %}
            <li><a href="#{{ cell.metadata.nbgrader.grade_id }}">Coding free-response</a> ({{ exprlib_score_text(cell) }})</li>
            {% elif cell.cell_type == "markdown" and cell.metadata.nbgrader and cell.metadata.nbgrader.grade %}
            <li><a href="#{{ cell.metadata.nbgrader.grade_id }}">Written response</a> ({{ exprlib_score_text(cell) }})</li>
            {% elif cell.cell_type == "markdown" and cell.metadata.nbgrader and cell.metadata.nbgrader.task %}
            <li><a href="#{{ cell.metadata.nbgrader.grade_id }}">Task</a> ({{ exprlib_score_text(cell) }})</li>
            {% endif %}
            {% if cell.metadata.nbgrader and cell.metadata.nbgrader.comment %}
            <li><a href="#comment-{{ cell.metadata.nbgrader.grade_id }}">Comment</a></li>
            {% endif %}
          {% endfor %}
          {% if resources.nbgrader.late_penalty > 0 %}
            <li class="late-penalty">Late submission penalty (Score: -{{ resources.nbgrader.late_penalty | float | round(2) }})</li>
          {% endif %}
          </ol>
        </div>
      </div>
      <div class="panel-body">
        <div id="notebook" class="border-box-sizing">
          <div class="container" id="notebook-container">
            {{ self.body_header() }}{{ self.body_loop() }}{{ self.body_footer() }}
          </div>
        </div>
      </div>
    </div>
  </div>
</body>
{%- endblock body %}

{% block markdowncell scoped %}
<div class="cell border-box-sizing text_cell rendered">
  {{ self.empty_in_prompt() }}

  {%- if 'nbgrader' in cell.metadata and (cell.metadata.nbgrader.solution or cell.metadata.nbgrader.grade or cell.metadata.nbgrader.task) -%}
  <div class="panel panel-primary nbgrader_cell">
    {{ exprlib_heading(cell) }}
    <div class="panel-body">
      <div class="text_cell_render border-box-sizing rendered_html">
        {{ cell.source  | markdown2html | strip_files_prefix }}
      </div>
    </div>
    {{ nbgrader_footer(cell) }}
  </div>

  {%- else -%}

  <div class="inner_cell">
    <div class="text_cell_render border-box-sizing rendered_html">
      {{ cell.source  | markdown2html | strip_files_prefix }}
    </div>
  </div>

  {%- endif -%}

</div>
{% endblock markdowncell %}

{% block input %}
  {%- if 'nbgrader' in cell.metadata and (cell.metadata.nbgrader.solution or cell.metadata.nbgrader.grade) -%}
  <div class="panel panel-primary nbgrader_cell">
    {{ exprlib_heading(cell) }}
    <div class="panel-body">
      <div class="input_area">
        {{ cell.source | highlight_code(metadata=cell.metadata) }}
      </div>
    </div>
    {{ nbgrader_footer(cell) }}
  </div>

  {%- else -%}

  <div class="inner_cell">
    <div class="input_area">
      {{ cell.source | highlight_code(metadata=cell.metadata) }}
    </div>
  </div>
  {%- endif -%}

{% endblock input %}
"""


def _grading_verdict(resources: dict) -> dict:
    """The grader's ``<notebook>.grading.json`` beside the autograded notebook, or ``{}``."""
    folder = (resources.get("metadata") or {}).get("path")
    name = resources.get("nbgrader", {}).get("notebook")
    if not folder or not name:
        return {}
    try:
        with open(os.path.join(folder, f"{name}.grading.json"), encoding="utf-8") as fh:
            verdict = json.load(fh)
    except (OSError, ValueError):
        return {}
    return verdict if isinstance(verdict, dict) else {}


class MarkPendingGrades(NbGraderPreprocessor):
    """Mark graded cells that wait for manual grading, and say when grading was incomplete.

    Runs after nbgrader's ``GetGrades``. A cell is *pending* when the gradebook says it needs a
    manual grade and none was given: its ``metadata.nbgrader.pending`` becomes True and its
    points are added to ``resources["nbgrader"]["pending"]``. A ``<notebook>.grading.json``
    with ``status`` other than ``"complete"`` sets ``resources["nbgrader"]["grading_status"]``
    and ``["grading_reason"]``.
    """

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources["nbgrader"]
        info["pending"] = 0.0
        verdict = _grading_verdict(resources)
        status = verdict.get("status")
        if status and status != "complete":
            info["grading_status"] = str(status)
            info["grading_reason"] = str(verdict.get("reason") or "no reason recorded")
        with Gradebook(info["db_url"]) as gb:
            for cell in nb.cells:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if not (meta.get("grade") or meta.get("task")) or not meta.get("grade_id"):
                    continue
                try:
                    grade = gb.find_grade(meta["grade_id"], info["notebook"], info["assignment"], info["student"])
                except MissingEntry:
                    continue
                if grade.needs_manual_grade and grade.manual_score is None:
                    meta["pending"] = True
                    info["pending"] += float(grade.max_score)
        return nb, resources


class PendingFeedbackExporter(HTMLExporter):
    """nbgrader's feedback HTML, with pending manual grades shown as "pending" (see :data:`TEMPLATE`)."""

    @default("extra_loaders")
    def _extra_loaders_default(self) -> list[Any]:
        return [DictLoader({TEMPLATE_NAME: TEMPLATE})]

    @default("template_file")
    def _template_file_default(self) -> str:
        return TEMPLATE_NAME
