"use strict";
// The practice page: choose a question, type LaTeX, see how derive reads it, get the verdict.

const state = { questions: {}, seq: 0, timer: null };
const $ = (id) => document.getElementById(id);
const VERDICTS = {
  "equivalent": "Correct",
  "equivalent-wrong-form": "Correct, but not in the form asked for",
  "not-equivalent": "Not correct",
  "invalid": "Could not be read",
  "unknown": "Could not be decided",
};

function current() { return state.questions[$("question").value]; }

function showError(node, error, source) {
  node.textContent = "";
  const box = el("div", "error");
  const where = error.position ? "at position " + error.position + ": " : "";
  box.appendChild(el("div", "", where + (error.reason || error.message || "cannot be read")));
  if (error.position && source !== undefined) {
    box.appendChild(el("pre", "caret", source + "\n" + " ".repeat(error.position - 1) + "^"));
  }
  node.appendChild(box);
}

async function preview() {
  const answer = $("answer").value;
  const seq = ++state.seq;
  if (!answer.trim()) { $("preview").textContent = ""; $("changes").textContent = ""; return; }
  try {
    const data = await api("/api/read", { answer: answer, assume: current().assume });
    if (seq !== state.seq) return; // a newer keystroke's reading is on its way
    $("changes").textContent = "";
    if (data.ok) {
      $("preview").textContent = "";
      $("preview").appendChild(math(data.read_as.latex, true));
      $("preview").dataset.latex = data.read_as.latex;
      if (data.read_as.changes.length) $("changes").textContent = "(" + data.read_as.changes.join("; ") + ")";
    } else {
      showError($("preview"), data.error, answer);
      $("preview").dataset.latex = "";
    }
  } catch (e) {
    if (seq === state.seq) $("preview").textContent = e.message;
  }
}

// Fractions in matrix cells at full size (KaTeX sets \frac small inside a matrix).
const big = (latex) =>
  "\\def\\arraystretch{" + (latex.includes("\\frac") ? "2.4" : "1.3") + "}" + latex.replace(/\\frac/g, "\\dfrac");

function counterexample(ce) {
  const box = $("counterexample");
  box.textContent = "";
  if (!ce) return;
  const sizes = Object.entries(ce.sizes || {}).map(([k, v]) => k + " = " + v).join(", ");
  box.appendChild(el("p", "", "A counterexample" + (sizes ? " (" + sizes + ")" : "") + ":"));
  for (const [name, value] of Object.entries(ce.instance || {})) {
    box.appendChild(math(name + " = " + big(value.latex), true));
  }
  if (ce.expected) box.appendChild(math("\\text{expected: } " + big(ce.expected.latex), true));
  if (ce.answer) box.appendChild(math("\\text{your answer: } " + big(ce.answer.latex), true));
}

// Why a right answer is right: the derivation from it to the expected answer, each step by a rule
// that derive's kernel checked.
function why(steps) {
  const box = $("why");
  box.textContent = "";
  if (!steps || !steps.length) return;
  box.appendChild(el("p", "", "Why it is right (each step checked by derive's kernel):"));
  steps.forEach((step, k) => {
    const row = el("div", "step");
    row.appendChild(math((k ? "= " : "") + step.expr, true));
    if (step.by) row.appendChild(el("span", "by", "by " + step.by));
    box.appendChild(row);
  });
}

async function submit() {
  const q = current();
  $("submit").disabled = true;
  try {
    const data = await api("/api/questions/" + encodeURIComponent(q.id) + "/answer", { answer: $("answer").value });
    $("result").hidden = false;
    $("result").dataset.verdict = data.verdict;
    $("verdict").textContent = VERDICTS[data.verdict] || data.verdict;
    $("verdict").className = "verdict " + data.verdict;
    richText($("feedback"), data.feedback || "");
    counterexample(data.counterexample);
    why(data.derivation);
  } catch (e) {
    $("result").hidden = false;
    $("verdict").textContent = "Error";
    $("feedback").textContent = e.message;
  } finally {
    $("submit").disabled = false;
  }
}

function chooseQuestion() {
  richText($("prompt"), current().prompt);
  $("result").hidden = true;
  preview();
}

async function start() {
  const bank = await api("/api/questions");
  $("bank-title").textContent = bank.title;
  for (const q of bank.questions) {
    state.questions[q.id] = q;
    $("question").appendChild(el("option", "", q.id)).value = q.id;
  }
  const wanted = new URLSearchParams(location.search).get("q");
  if (wanted && state.questions[wanted]) $("question").value = wanted;
  $("question").addEventListener("change", chooseQuestion);
  $("answer").addEventListener("input", () => {
    clearTimeout(state.timer);
    state.timer = setTimeout(preview, 250); // debounced: one reading per pause in typing
  });
  $("answer").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); submit(); }
  });
  $("submit").addEventListener("click", submit);
  chooseQuestion();
  document.body.dataset.ready = "1";
  try {
    const cat = await api("/api/entries");
    for (const entry of cat.entries) {
      const item = el("li");
      const link = el("a");
      link.href = "/entries/" + encodeURIComponent(entry.id);
      richText(link, entry.title);
      item.appendChild(link);
      $("entries").appendChild(item);
    }
  } catch (e) {
    $("entries").appendChild(el("li", "", "The catalogue is not available: " + e.message));
  }
}

start();
