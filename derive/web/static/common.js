"use strict";
// Shared helpers of the practice and walkthrough pages: math rendering with the vendored KaTeX.

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Render LaTeX into `node` (display or inline); on a KaTeX error show the source as code.
function mathInto(node, latex, display) {
  try {
    katex.render(latex, node, { displayMode: !!display, throwOnError: true, trust: false, maxExpand: 200, maxSize: 20 });
  } catch (e) {
    node.textContent = latex;
    node.classList.add("raw");
  }
  return node;
}

function math(latex, display) {
  return mathInto(el(display ? "div" : "span", "math"), latex, display);
}

// Text with $...$ math: text nodes and rendered math, never innerHTML.
function richText(node, text) {
  node.textContent = "";
  const parts = String(text || "").split("$");
  parts.forEach((part, i) => {
    if (i % 2 === 1 && i < parts.length - 1) node.appendChild(math(part, false));
    else if (part) node.appendChild(document.createTextNode(i % 2 === 1 ? "$" + part : part));
  });
  return node;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || ("HTTP " + response.status));
  return data;
}
