"use strict";
// An entry's page: its checked walkthrough from /api/entries/{id}, rendered with KaTeX.

async function showEntry() {
  const id = decodeURIComponent(location.pathname.split("/").pop());
  const main = document.getElementById("walkthrough");
  let w;
  try {
    w = await api("/api/entries/" + encodeURIComponent(id));
  } catch (e) {
    document.getElementById("title").textContent = e.message;
    return;
  }
  richText(document.getElementById("title"), w.title);
  document.title = "derive: " + w.id;
  document.getElementById("status").textContent = "status: " + w.status + (w.assume ? "; assume " + w.assume : "");
  const claim = el("section");
  claim.appendChild(el("h2", "", "Theorem"));
  for (const c of w.conclusions || []) {
    if (c.kind === "relation") claim.appendChild(math(c.lhs + " " + c.rel + " " + c.rhs, true));
    else claim.appendChild(math(c.term + "\\ \\text{" + c.property + "}", true));
  }
  main.appendChild(claim);
  if (w.explanation) {
    const idea = el("section");
    idea.appendChild(el("h2", "", "Intuition"));
    idea.appendChild(richText(el("p"), w.explanation));
    main.appendChild(idea);
  }
  const proof = el("section");
  proof.appendChild(el("h2", "", "Derivation"));
  for (const chain of w.chains || []) {
    const block = el("div", "chain");
    if (chain.start) block.appendChild(math(chain.start, true));
    else block.appendChild(el("p", "", chain.form));
    for (const step of (w.steps || []).filter((s) => s.chain === chain.chain)) {
      const row = el("div", "step " + step.status);
      const rel = /^[a-z ]+$/i.test(step.rel) ? "\\text{" + step.rel + "}\\ " : step.rel + " ";
      row.appendChild(math(rel + step.expr, false));
      row.appendChild(el("span", "by", "  by " + step.by + (step.checked ? " ✓" : "")));
      for (const sc of step.side_conditions || []) row.appendChild(el("span", "side", "  (" + sc.text + ")"));
      block.appendChild(row);
    }
    proof.appendChild(block);
  }
  main.appendChild(proof);
  if (w.exercise) {
    const ex = el("section");
    ex.appendChild(el("h2", "", "Exercise"));
    ex.appendChild(richText(el("p"), w.exercise));
    if (w.answer) {
      const details = el("details");
      details.appendChild(el("summary", "", "Answer"));
      details.appendChild(richText(el("p"), w.answer));
      ex.appendChild(details);
    }
    main.appendChild(ex);
  }
  document.body.dataset.ready = "1";
}

showEntry();
