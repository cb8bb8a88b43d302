/* A character counter under every <textarea maxlength> ("已输入 123 / 2000 字").
   The wording comes from the script tag's data-counter-text, translated by the
   template, with {count} and {max} in it. The server checks the same limit. */
(function () {
  "use strict";
  var script = document.currentScript;
  var template = (script && script.dataset.counterText) || "{count} / {max}";

  function attach(textarea) {
    var max = parseInt(textarea.getAttribute("maxlength"), 10);
    if (!(max > 0)) {
      return;
    }
    var counter = document.createElement("div");
    counter.className = "form-text text-end char-counter";
    counter.setAttribute("aria-live", "polite");
    if (!textarea.id) {
      textarea.id = "textarea-" + Math.random().toString(36).slice(2);
    }
    counter.id = textarea.id + "-counter";
    var described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);

    function update() {
      // .value counts a line break as one character, as maxlength does.
      var count = textarea.value.length;
      counter.textContent = template.replace("{count}", count).replace("{max}", max);
      counter.classList.toggle("text-danger", count > max);
    }

    textarea.insertAdjacentElement("afterend", counter);
    textarea.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("textarea[maxlength]").forEach(attach);
})();
