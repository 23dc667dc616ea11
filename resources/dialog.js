/*
 * Shared by the nodes' edit dialogs: what the six car nodes have in common (the name, account and
 * vehicle rows at the top of the dialog, the palette look, the vehicle picker), and a way to write
 * rows into a template. Node-RED serves this file at
 * resources/node-red-contrib-connected-car/dialog.js.
 */
/* global $, window, RED */
window.connectedCarDialog = (function () {
  /** The rows at the top of a car node's dialog; ns: the node type, whose labels they use. */
  function carRows(ns) {
    return '<div class="form-row">' +
      // Node-RED's own label, as its core nodes have it.
      '<label for="node-input-name"><i class="fa fa-tag"></i> <span data-i18n="node-red:common.label.name"></span></label> ' +
      '<input type="text" id="node-input-name" data-i18n="[placeholder]node-red:common.label.name">' +
      '</div>' +
      '<div class="form-row">' +
      '<label for="node-input-account"><i class="fa fa-user"></i> <span data-i18n="' + ns + '.label.account"></span></label> ' +
      '<input type="text" id="node-input-account">' +
      '</div>' +
      // The vehicle picker's row: vehicle-picker.js works with these ids.
      '<div class="form-row">' +
      '<label for="node-input-vin"><i class="fa fa-car"></i> <span data-i18n="' + ns + '.label.vin"></span></label> ' +
      '<select id="node-input-vin" style="width:60%"></select> ' +
      '<button id="node-input-vin-refresh" class="red-ui-button" data-i18n="[title]' + ns + '.label.refresh"><i class="fa fa-refresh"></i></button> ' +
      '<div class="form-tips" id="node-input-vin-info" style="margin-left:105px;margin-top:4px;display:none"></div>' +
      '</div>';
  }

  /**
   * Rewrites a type's template. Node-RED fills a dialog's fields from the template before
   * oneditprepare runs, so rows made by code go into the template, once, before the type registers.
   */
  function editTemplate(type, edit) {
    $('script[data-template-name="' + type + '"]').each(function () {
      $(this).text(edit($(this).html()));
    });
  }

  /**
   * The nodes that read or act on a car: one palette look, the name, account and vehicle
   * settings (rows above the template's own) and the vehicle picker, then the node's own
   * definition, which may override any of it.
   * definition.picker: the picker's options besides ns (autoSelectFirst; emptyLabel, a label key);
   * definition.accountOptional: the node also works from messages alone;
   * definition.vehicleRequired: the node cannot work without a chosen car.
   */
  function registerCarNode(type, definition) {
    var paletteLabel = type.replace('-', ' ');
    var picker = definition.picker || {};
    var own = definition.oneditprepare;
    var def = $.extend({
      category: 'connected car',
      color: '#8fc4e8',
      icon: 'car.svg',
      paletteLabel: paletteLabel,
      label: function () {
        return this.name || paletteLabel;
      },
      labelStyle: function () {
        return this.name ? 'node_label_italic' : '';
      }
    }, definition, {
      defaults: $.extend({
        name: { value: '' },
        account: { value: '', type: 'car-account', required: definition.accountOptional !== true },
        vin: { value: '', required: definition.vehicleRequired === true }
      }, definition.defaults),
      oneditprepare: function () {
        window.connectedCarVehiclePicker(this, {
          ns: type,
          autoSelectFirst: picker.autoSelectFirst === true,
          emptyLabel: picker.emptyLabel ? this._(picker.emptyLabel) : ''
        });
        if (own) own.call(this);
      }
    });
    delete def.picker;
    delete def.accountOptional;
    delete def.vehicleRequired;
    editTemplate(type, function (html) {
      return carRows(type) + html;
    });
    RED.nodes.registerType(type, def);
  }

  return { editTemplate: editTemplate, registerCarNode: registerCarNode };
})();
