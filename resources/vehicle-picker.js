/*
 * Shared by the nodes' edit dialogs: the vehicle list of the chosen account, from the
 * account's admin endpoint. Node-RED serves this file at
 * resources/node-red-contrib-connected-car/vehicle-picker.js.
 *
 * options.ns: the node type whose picker texts to use (<ns>.picker.loading/none/deploy-first);
 * options.emptyLabel: an entry for "no vehicle" (nodes that also work from messages);
 * options.autoSelectFirst: pick the first car when the node has none yet.
 */
/* global $, window */
window.connectedCarVehiclePicker = function (node, options) {
  var vinSelect = $('#node-input-vin');
  var tip = $('#node-input-vin-info');
  var seq = 0;
  // The account whose list the picker shows or has asked for: Node-RED triggers "change" on the account select
  // more than once as a dialog opens (at once, and again 50 ms later from its config-node select), and each list
  // asked for again would empty the picker and the dialog's narrowing until its answer came.
  var listedFor;
  function info(text) {
    tip.text(text).toggle(!!text);
  }
  function add(vin, label) {
    if (vinSelect.find('option').filter(function () { return $(this).val() === vin; }).length === 0) {
      $('<option>').val(vin).text(label).appendTo(vinSelect);
    }
  }
  function reset() {
    vinSelect.empty();
    if (options.emptyLabel) add('', options.emptyLabel);
  }
  function load(refresh) {
    var account = $('#node-input-account').val();
    if (!refresh && account === listedFor) return;
    listedFor = account;
    var mine = ++seq;
    reset();
    vinSelect.data('vehicles', []);
    if (node.vin) add(node.vin, node.vin);
    vinSelect.val(node.vin || '');
    info('');
    tip.attr('title', null); // an earlier failure's words are not this list's
    if (!account || account === '_ADD_') return;
    info(node._(options.ns + '.picker.loading'));
    $.getJSON('connected-car/accounts/' + encodeURIComponent(account) + '/vehicles' + (refresh ? '?refresh=true' : ''))
      .done(function (vehicles) {
        if (mine !== seq) return; // a later request owns the list
        var chosen = vinSelect.val();
        reset();
        vehicles.forEach(function (v) {
          add(v.vin, (v.name || v.model || v.vin) + ' (' + v.vin + ')');
        });
        if (node.vin) add(node.vin, node.vin);
        vinSelect.val(chosen || node.vin || (options.autoSelectFirst && vehicles.length ? vehicles[0].vin : ''));
        info(vehicles.length ? '' : node._(options.ns + '.picker.none'));
        // What each car can do (parts, commands, energy): the dialog narrows its offer to the chosen one.
        vinSelect.data('vehicles', vehicles).trigger('change');
      })
      .fail(function (xhr) {
        if (mine !== seq) return;
        listedFor = undefined; // the next change of the account field asks again
        var body = xhr.responseJSON || {};
        // In the user's language: deploy first (a 404), else what the code asks to do; the cloud's words on hover.
        var advice = body.code && xhr.status !== 404 ? node._('node-red-contrib-connected-car/car-account:car-account.advice.' + body.code) : '';
        info(advice || node._(options.ns + '.picker.deploy-first'));
        tip.attr('title', body.message || null);
      });
  }
  $('#node-input-account').on('change', function () { load(false); });
  $('#node-input-vin-refresh').on('click', function (e) {
    e.preventDefault();
    load(true);
  });
  load(false);
  return { reload: load };
};
