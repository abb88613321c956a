"""Loads impactmap layers in QGIS (headless) and prints the style QGIS applied to each.

Not part of `cargo test`: it needs QGIS's Python bindings (Debian: `apt-get install
python3-qgis`, run with Debian's /usr/bin/python3). For each layer, from the GeoJSON files
(style from the .qml beside them) and from layers.gpkg (style from its layer_styles table,
applied on load), it prints the renderer QGIS built, its categories and symbol layer
properties, and the labels; optionally it renders the GeoJSON layers to a PNG.

Usage:
  impactmap layers --sites S --incidents I -o DIR
  impactmap layers --sites S --incidents I -o DIR --format gpkg
  QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis/check_styles.py DIR [OUT.png [W,S,E,N]]
"""
import sys, os
from qgis.core import (QgsApplication, QgsVectorLayer, QgsProject, QgsMapSettings,
                       QgsMapRendererParallelJob, QgsRectangle, QgsCoordinateReferenceSystem)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

d = sys.argv[1]
app = QgsApplication([], False)
app.setPrefixPath("/usr", True)
app.initQgis()
names = ["uncertainty", "rings", "incident_areas", "site_footprints", "links", "sites", "incidents"]
problems = []
layers = []
for source in ("geojson", "gpkg"):
    for n in names:
        uri = os.path.join(d, n + ".geojson") if source == "geojson" else os.path.join(d, "layers.gpkg") + "|layername=" + n
        lyr = QgsVectorLayer(uri, n, "ogr")
        if not lyr.isValid():
            problems.append(f"{source} {n}: not valid")
            continue
        if source == "gpkg":
            print(f"gpkg     {n:16} renderer on load, before any explicit call: {lyr.renderer().type()}")
            # QGIS applies a GeoPackage's default style (layer_styles, useAsDefault) on load
            # through loadDefaultStyle(); report what it says.
            msg, ok = lyr.loadDefaultStyle()
            if not ok:
                problems.append(f"gpkg {n}: default style not loaded: {msg}")
        r = lyr.renderer()
        if r is None:
            print(f"{source:8} {n:16} {lyr.featureCount():5} features, no geometry: QGIS opens it as a table")
            if source == "geojson":
                layers.append(lyr)
            continue
        desc = r.type()
        if desc == "categorizedSymbol":
            cats = r.categories()
            desc += f" attr={r.classAttribute()} categories={len(cats)} first={cats[0].value()}:{cats[0].symbol().color().name()}"
            sl = cats[0].symbol().symbolLayer(0)
        else:
            sym = r.symbol()
            sl = sym.symbolLayer(0)
            desc += f" colour={sym.color().name()} alpha={sym.color().alpha()}"
        props = sl.properties()
        keys = ["name", "style", "outline_style", "line_style", "color", "outline_color", "line_color", "size"]
        desc += " " + sl.layerType() + " " + ",".join(f"{k}={props[k]}" for k in keys if k in props)
        lab = lyr.labelsEnabled()
        if lab:
            desc += f" labels={lyr.labeling().settings().fieldName} placement={int(lyr.labeling().settings().placement)}"
        print(f"{source:8} {n:16} {lyr.featureCount():5} features crs={lyr.crs().authid()} {desc}")
        if source == "geojson":
            layers.append(lyr)
QgsProject.instance().addMapLayers(layers)
if len(sys.argv) > 2:
    from qgis.core import QgsCoordinateTransform
    ms = QgsMapSettings()
    by_name = {l.name(): l for l in layers}
    ms.setLayers([by_name[n] for n in reversed(names) if n in by_name and by_name[n].isSpatial()])  # first is drawn on top
    merc = QgsCoordinateReferenceSystem("EPSG:3857")
    ms.setDestinationCrs(merc)
    tr = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), merc, QgsProject.instance())
    if len(sys.argv) > 3:
        box = QgsRectangle(*[float(x) for x in sys.argv[3].split(",")])
    else:
        box = by_name["rings"].extent()
    ms.setExtent(tr.transformBoundingBox(box))
    ms.setOutputSize(QSize(1000, 800))
    ms.setOutputDpi(110)
    ms.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(ms)
    job.start(); job.waitForFinished()
    job.renderedImage().save(sys.argv[2], "png")
    print("rendered", sys.argv[2])
for p in problems:
    print("PROBLEM:", p)
app.exitQgis()
