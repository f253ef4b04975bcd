// Small behaviours shared by every page. htmx handles partial updates; this file only wires extras.
document.addEventListener("htmx:responseError", function (evt) {
  var box = document.getElementById("jz-htmx-error");
  if (!box) {
    box = document.createElement("div");
    box.id = "jz-htmx-error";
    box.className = "alert alert-danger position-fixed bottom-0 end-0 m-3";
    document.body.appendChild(box);
  }
  // The message comes translated from base.html (<body data-jz-request-failed="…{status}…">).
  var message = document.body.dataset.jzRequestFailed || "请求失败（{status}），请稍后重试或联系管理员。";
  box.textContent = message.replace("{status}", evt.detail.xhr.status);
});

// Area tree: the first click loads children (htmx, once); later clicks fold and unfold them.
function jzToggleNode(el) {
  var open = el.textContent === "▾";
  el.textContent = open ? "▸" : "▾";
  var list = el.parentElement.querySelector(":scope > ul");
  if (list) { list.classList.toggle("d-none", open); }
}
