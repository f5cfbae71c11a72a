// The annual report's print button (no inline script: the page's CSP allows only this file).
"use strict";
const printButton = document.getElementById("print");
if (printButton) {
  printButton.addEventListener("click", () => window.print());
}
