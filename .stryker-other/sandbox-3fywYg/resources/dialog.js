/*
 * Shared by the nodes' edit dialogs: what the six car nodes have in common (the name, account and
 * vehicle rows at the top of the dialog, the palette look, the vehicle picker), and a way to write
 * rows into a template. Node-RED serves this file at
 * resources/node-red-contrib-connected-car/dialog.js.
 */
/* global $, window, RED, navigator, setInterval */
// Every node's HTML names this file, and Node-RED runs it for each: the first run makes the one instance the dialogs
// share (one list of the brands asked once, not once per node type).
window.connectedCarDialog = window.connectedCarDialog || (function () {
  var READER_COLOUR = '#8fc4e8';
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

  /*
   * What each brand offers (GET /connected-car/brands, the providers' one description), asked
   * once per editor load: the dialogs offer only what the account's brand can do.
   */
  var brandList = null;
  var brandRequest = null;
  function brands() {
    if (brandList) return $.Deferred().resolve(brandList).promise();
    if (!brandRequest) {
      brandRequest = $.getJSON('connected-car/brands').then(function (list) {
        brandList = list;
        return list;
      }, function () {
        brandRequest = null; // asked again next time (the runtime may be restarting)
        return $.Deferred().resolve([]).promise();
      });
    }
    return brandRequest;
  }
  brands();

  /** The cloud (provider id) of a car-account config node; an account from before the setting is Renault's. */
  function providerOf(accountId) {
    var account = accountId && RED.nodes.node(accountId);
    return account ? account.provider || 'renault' : undefined;
  }

  /** The offer of a cloud, once the list is known (undefined before: validators then accept). */
  function offerOf(provider) {
    if (!brandList || !provider) return undefined;
    for (var i = 0; i < brandList.length; i++) if (brandList[i].id === provider) return brandList[i];
    return undefined;
  }

  /** The editor's language, for Intl (countries, times). */
  function language() {
    return (RED.i18n && RED.i18n.lang && RED.i18n.lang()) || navigator.language || 'en-US';
  }

  /** A time of day in the browser's time zone and language ("14:05", "02:05 PM"; with seconds "14:05:09"). */
  function localTime(at, withSeconds) {
    var parts = withSeconds ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' };
    return new Intl.DateTimeFormat(language(), parts).format(new Date(at));
  }

  /** A date and time in the browser's time zone and language ("03.12.26, 14:05"). */
  function localDateTime(at) {
    return new Intl.DateTimeFormat(language(), { dateStyle: 'short', timeStyle: 'short' }).format(new Date(at));
  }

  /** How long ago, in the browser's language ("3 min. ago", "vor 3 Min.", "il y a 3 min"). */
  function ago(at, now) {
    var seconds = Math.max(0, Math.round(((now === undefined ? Date.now() : now) - at) / 1000));
    var units = [['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]];
    var unit = units.filter(function (u) { return seconds >= u[1]; })[0] || units[3];
    return new Intl.RelativeTimeFormat(language(), { style: 'short' }).format(-Math.floor(seconds / unit[1]), unit[0]);
  }

  /** When, in so long ("in 12 min.", "in 12 Min.", "dans 12 min"). */
  function fromNow(at, now) {
    var minutes = Math.max(0, Math.round((at - (now === undefined ? Date.now() : now)) / 60000));
    return minutes >= 120
      ? new Intl.RelativeTimeFormat(language(), { style: 'short' }).format(Math.round(minutes / 60), 'hour')
      : new Intl.RelativeTimeFormat(language(), { style: 'short' }).format(minutes, 'minute');
  }

  /*
   * The dots in the browser's language. Node-RED sends an editor only a status's text, fill and
   * shape (in the runtime's language), and translates a text only when it is a key, without
   * parameters; beside each dot our nodes publish what it is made of (src/nodes/kit.ts, DotRecord,
   * topic connected-car/dot/<id>, retained). While the node's dot still has the runtime's text, it
   * is written again here, with its parameters, its times in the browser's time zone and ages
   * relative ("vor 3 Min.", kept fresh).
   */
  var WORD = /\uE000([^\uE001]*)\uE001/g;
  function dotText(node, said) {
    if (typeof said === 'string') return said.replace(WORD, function (w, key) { return node._(key); });
    if (Array.isArray(said)) return said.map(function (s) { return dotText(node, s); }).filter(function (s) { return s !== ''; }).join(' · ');
    if (!said || typeof said.key !== 'string') return '';
    var params = {};
    Object.keys(said.params || {}).forEach(function (name) {
      var p = said.params[name];
      if (p && typeof p === 'object' && typeof p.time === 'number') {
        params[name] = p.as === 'ago' ? ago(p.time) : p.as === 'datetime' ? localDateTime(p.time) : localTime(p.time, p.as === 'seconds');
      } else if (p && typeof p === 'object') {
        params[name] = dotText(node, p);
      } else {
        params[name] = p;
      }
    });
    return node._(said.key, params);
  }
  function watchDots() {
    if (window.connectedCarDots) return;
    var records = window.connectedCarDots = {};
    function apply(id) {
      var record = records[id];
      var node = RED.nodes.node(id);
      if (!record || !node || !node.status || (node.status.text !== record.text && node.status.text !== record.shown)) return;
      var text = dotText(node, record.said);
      if (text === node.status.text) return;
      record.shown = text;
      node.status = $.extend({}, node.status, { text: text });
      node.dirtyStatus = true;
      node.dirty = true;
      RED.view.redrawStatus(node);
    }
    RED.comms.subscribe('connected-car/dot/#', function (topic, record) {
      var id = topic.split('/')[2];
      if (record && typeof record.text === 'string') records[id] = { text: record.text, said: record.said };
      else delete records[id];
      apply(id);
    });
    // After Node-RED's own subscriber has set the dot (whichever subscribed first): at the end of this batch of messages.
    RED.comms.subscribe('status/#', function (topic) {
      var id = topic.split('/')[1];
      if (records[id]) Promise.resolve().then(function () { apply(id); });
    });
    // Ages stay true while the editor is open.
    setInterval(function () {
      Object.keys(records).forEach(function (id) {
        if (/"as":"ago"/.test(JSON.stringify(records[id].said))) apply(id);
      });
    }, 30000);
  }
  watchDots();

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
   * definition.vehicleRequired: the node cannot work without a chosen car;
   * definition.oneditbrand(offer, vehicle): called when the account or the car changes, with the
   * brand's offer (undefined: unknown yet) and the chosen car's entry of the vehicle list.
   */
  function registerCarNode(type, definition) {
    var paletteLabel = type.replace('-', ' ');
    var picker = definition.picker || {};
    var own = definition.oneditprepare;
    var def = $.extend({
      category: 'connected car',
      // One colour for the nodes that only read; car-command, which acts on the car, overrides it.
      color: READER_COLOUR,
      // One icon per type, in one family (icons/<type>.svg: the car with what the node does).
      icon: type + '.svg',
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
        // The brand of the chosen account, then the chosen car, narrow what the dialog offers.
        var onBrand = definition.oneditbrand;
        if (!onBrand) return;
        var seq = 0;
        var narrow = function () {
          var mine = ++seq;
          var accountId = $('#node-input-account').val();
          var apply = function () {
            if (mine !== seq) return;
            var vin = $('#node-input-vin').val();
            var vehicles = $('#node-input-vin').data('vehicles') || [];
            var vehicle = vehicles.filter(function (v) { return v.vin === vin; })[0];
            onBrand.call(this, offerOf(providerOf(accountId)), vehicle);
          }.bind(this);
          // The car narrows at once; the brand's offer, when its list comes later, narrows again: the dialog never
          // waits on one request to show what the other already said.
          apply();
          if (!brandList) brands().then(apply);
        }.bind(this);
        $('#node-input-account, #node-input-vin').on('change', narrow);
        narrow();
      }
    });
    delete def.oneditbrand;
    delete def.picker;
    delete def.accountOptional;
    delete def.vehicleRequired;
    editTemplate(type, function (html) {
      return carRows(type) + html;
    });
    RED.nodes.registerType(type, def);
  }

  return {
    editTemplate: editTemplate,
    registerCarNode: registerCarNode,
    brands: brands,
    providerOf: providerOf,
    offerOf: offerOf,
    language: language,
    localTime: localTime,
    localDateTime: localDateTime,
    ago: ago,
    fromNow: fromNow,
    dotText: dotText
  };
})();
