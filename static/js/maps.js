// Our maps for keyboards, screen readers and every language. Loaded after Leaflet and
// Leaflet.markercluster and before a map's own script (built by folium), so that the
// settings below apply to the map it creates. The texts come from the map's element
// (data-texts, see templates/macros/map.html), already in the page's language.
(function () {
    "use strict";
    var element = document.querySelector(".folium-map[data-texts]");
    if (!element || typeof L === "undefined") {
        return;
    }
    var texts = JSON.parse(element.getAttribute("data-texts"));

    function attribute(text) {
        return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
    }

    // Whoever asks their system for less motion gets maps that jump rather than glide.
    if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
        L.Map.mergeOptions({zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false,
                            inertia: false});
        if (L.MarkerClusterGroup) {
            L.MarkerClusterGroup.mergeOptions({animate: false});
        }
    }

    // Leaflet's own control texts, in the page's language.
    L.Control.Zoom.prototype.options.zoomInTitle = texts.zoomIn;
    L.Control.Zoom.prototype.options.zoomOutTitle = texts.zoomOut;
    // On a phone an open layers list covers a quarter of the map: there it starts folded
    // behind Leaflet's layers button (see foldsByKeyboard below for the keys). On a wider
    // screen it stays open, as the map's script asks.
    if (window.matchMedia("(max-width: 575.98px)").matches) {
        L.Control.Layers.addInitHook(function () {
            this.options.collapsed = true;
        });
    }
    // The layers list's toggle (shown while the list is folded: on a phone).
    var layers = L.Control.Layers.prototype;
    var initLayout = layers._initLayout, expand = layers.expand, collapse = layers.collapse;
    L.Control.Layers.include({
        _initLayout: function () {
            initLayout.apply(this, arguments);
            if (this._layersLink) {
                this._layersLink.title = texts.layers;
            }
            if (this.options.collapsed) {
                this._layersLink.setAttribute("aria-expanded", "false");
                foldsByKeyboard(this, this._container, this._layersLink);
            }
        },
        // Whether the list is open, said by its button (a screen reader's "collapsed").
        expand: function () {
            if (this._layersLink) {
                this._layersLink.setAttribute("aria-expanded", "true");
            }
            return expand.apply(this, arguments);
        },
        collapse: function () {
            if (this._layersLink) {
                this._layersLink.setAttribute("aria-expanded", "false");
            }
            return collapse.apply(this, arguments);
        }
    });

    // Leaflet opens a folded list on Enter, not on Space as a button should, leaves the
    // focus on its button, which the open list hides, and folds it again only on a click
    // on the map. Here Enter and Space open it with the focus on its first switch; Escape
    // folds it and goes back to the button; so does Tab away from it.
    function foldsByKeyboard(control, container, toggle) {
        var expanded = "leaflet-control-layers-expanded";
        L.DomEvent.on(toggle, "keydown", function (event) {
            var first = container.querySelector("input");
            if (event.key === " ") {
                L.DomEvent.preventDefault(event);  // not a scroll of the page
                control.expand();
            }
            if ((event.key === "Enter" || event.key === " ") && first) {
                first.focus();
            }
        });
        L.DomEvent.on(container, "keydown", function (event) {
            if (event.key === "Escape" && L.DomUtil.hasClass(container, expanded)) {
                control.collapse();
                toggle.focus();
            }
        });
        // Only a focus that went somewhere else: a click on the map folds it by itself.
        L.DomEvent.on(container, "focusout", function (event) {
            if (event.relatedTarget && !container.contains(event.relatedTarget)) {
                control.collapse();
            }
        });
    }
    var prefix = L.Control.Attribution.prototype.options.prefix;
    if (typeof prefix === "string") {
        L.Control.Attribution.prototype.options.prefix = prefix.replace(
            /title="[^"]*"/, function () { return 'title="' + attribute(texts.leaflet) + '"'; });
    }
    // Kilometres only, written the language's way: Leaflet 1.9's own _updateMetric with the
    // units translated (it uses the control's internals; tests/e2e/test_map_keyboard.py
    // reads the scale, so an upgrade that changes them fails there).
    L.Control.Scale.prototype.options.imperial = false;
    L.Control.Scale.include({
        _updateMetric: function (maxMeters) {
            var meters = this._getRoundNum(maxMeters);
            var label = meters < 1000 ? meters + " " + texts.m : meters / 1000 + " " + texts.km;
            this._updateScale(this._mScale, label, meters / maxMeters);
        }
    });

    // A group of centres is named by how many it holds (its name, not the digit it shows).
    if (L.MarkerCluster) {
        var createIcon = L.MarkerCluster.prototype.createIcon;
        L.MarkerCluster.include({
            createIcon: function () {
                var name = texts.cluster.replace("%(count)s", this.getChildCount());
                this.options.title = name;
                var icon = createIcon.apply(this, arguments);
                icon.setAttribute("aria-label", name);
                return icon;
            }
        });
        // Enter or Space on a group opens it as a click does (markercluster answers clicks
        // only), and the focus goes to its first centre, or to the smaller group holding it,
        // once the group has zoomed in ("animationend", at once without animation) or spread
        // its centres out ("spiderfied"). Any other key or click on the map first forgets a
        // move still waiting (a group already spread out sends neither event).
        L.MarkerClusterGroup.addInitHook(function () {
            var group = this;
            var pending = null;
            var watched = null;  // the map's element, whose keys and clicks are watched
            function forget() {
                if (pending) {
                    group.off("animationend spiderfied", pending);
                    pending = null;
                }
            }
            group.on("clusterkeydown", function (event) {
                var key = event.originalEvent.key;
                if (key !== "Enter" && key !== " ") {
                    return;
                }
                event.originalEvent.preventDefault();
                var container = group._map.getContainer();
                if (watched !== container) {
                    container.addEventListener("keydown", forget, true);  // before this one
                    container.addEventListener("mousedown", forget, true);
                    watched = container;
                }
                var first = event.layer.getAllChildMarkers()[0];
                var icon = event.layer.getElement();
                pending = function () {
                    forget();
                    // After markercluster's own step: Enter gives the focus to the map.
                    setTimeout(function () {
                        var shown = group.getVisibleParent(first);
                        var active = document.activeElement;
                        var unmoved = active === container || active === document.body || active === icon;
                        if (shown && shown.getElement() && unmoved) {
                            shown.getElement().focus();
                        }
                    }, 0);
                };
                group.on("animationend spiderfied", pending);
                group.fire("click", {layer: event.layer, originalEvent: event.originalEvent}, true);
            });
        });
    }

    L.Map.addInitHook(function () {
        var map = this;
        var open = null;  // the open popup, and what had the focus when it opened

        // Region outlines answer the mouse (a tooltip) but are not Tab stops: Chromium
        // makes them focusable for their tooltip's focus listeners, and what they show
        // is in the list or table that the skip link before the map leads to.
        map.on("layeradd", function (event) {
            var path = event.layer instanceof L.Path && event.layer.getElement();
            if (path) {
                path.setAttribute("tabindex", "-1");
            }
        });

        // An opened popup takes the focus; Escape or its close button gives it back.
        map.on("popupopen", function (event) {
            var container = map.getContainer();
            var active = document.activeElement;
            var popup = event.popup.getElement();
            open = {
                popup: event.popup,
                opener: active !== container && container.contains(active) ? active : null
            };
            var close = popup.querySelector(".leaflet-popup-close-button");
            if (close) {
                close.setAttribute("aria-label", texts.close);
            }
            var content = popup.querySelector(".leaflet-popup-content");
            content.setAttribute("tabindex", "-1");
            content.focus({preventScroll: true});
        });
        map.on("popupclose", function (event) {
            var active = document.activeElement;
            var opener = open && open.popup === event.popup ? open.opener : null;
            open = null;
            if (opener && document.contains(opener) &&
                    (active === document.body || event.popup.getElement().contains(active))) {
                opener.focus({preventScroll: true});
            }
        });
        L.DomEvent.on(map.getContainer(), "keydown", function (event) {
            if (event.key === "Escape" && open) {
                map.closePopup(open.popup);
            }
        });
    });
})();
