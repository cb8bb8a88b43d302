/* Dependent selects for the three-level technology field, and the
   "name of the Hong Kong partner" field shown only when 是 is chosen.
   Without JavaScript the form works through its "下一步/更新选项" button. */
(function () {
  "use strict";
  var treeNode = document.getElementById("tech-field-tree");
  var l1 = document.getElementById("id_field_l1");
  var l2 = document.getElementById("id_field_l2");
  var l3 = document.getElementById("id_field_l3");
  if (!treeNode || !l1 || !l2 || !l3) return;
  var tree = JSON.parse(treeNode.textContent);

  function fill(select, parentCode) {
    var keep = select.value;
    var options = tree[parentCode] || [];
    while (select.options.length > 0) select.remove(0);
    select.add(new Option("---------", ""));
    options.forEach(function (pair) { select.add(new Option(pair[1], pair[0])); });
    select.value = options.some(function (p) { return p[0] === keep; }) ? keep : "";
    // A second-level field without third levels (05.04, 05.05, 07.06) is complete.
    select.disabled = parentCode === "" ? false : options.length === 0;
  }

  function update() {
    fill(l2, l1.value || "-");
    fill(l3, l2.value || "-");
  }

  l1.addEventListener("change", function () { l2.value = ""; update(); });
  l2.addEventListener("change", update);
  update();
  var refresh = document.getElementById("refresh-button");
  if (refresh) refresh.classList.add("d-none");

  var partnerName = document.getElementById("div_id_intended_partner_name");
  var radios = document.querySelectorAll("input[name=has_intended_partner]");
  function togglePartner() {
    var yes = document.querySelector("input[name=has_intended_partner][value=True]");
    if (partnerName) partnerName.classList.toggle("d-none", !(yes && yes.checked));
  }
  radios.forEach(function (r) { r.addEventListener("change", togglePartner); });
  togglePartner();
})();
