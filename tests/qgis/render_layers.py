"""Renders impactmap's GeoJSON layers with their QGIS styles, headless, and samples the picture.

Usage (Debian: `apt-get install python3-qgis`, run with the Python those bindings are built for):
  QT_QPA_PLATFORM=offscreen python3 tests/qgis/render_layers.py DIR OUT.png W,S,E,N [LON,LAT ...]

Loads every layer of DIR (each .geojson with the .qml beside it, which QGIS applies on load),
draws them in the order of a report map (uncertainty and rings below, sites and incidents on
top) in Web Mercator over the lon/lat box W,S,E,N at 800x800 pixels, writes OUT.png, and prints
for each LON,LAT the pixel's colour: `sample LON LAT R G B`. A layer that does not load, loads
as a table (no geometry) or comes without its style is printed as `problem: ...`.
"""
import os
import sys

from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsCoordinateTransform,
                       QgsMapRendererParallelJob, QgsMapSettings, QgsPointXY, QgsProject,
                       QgsRectangle, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

ORDER = ["uncertainty", "rings", "incident_areas", "site_footprints", "links", "sites", "incidents"]

d, out, box = sys.argv[1], sys.argv[2], [float(x) for x in sys.argv[3].split(",")]
app = QgsApplication([], False)
app.setPrefixPath("/usr", True)
app.initQgis()
layers = []
for name in ORDER:
    path = os.path.join(d, name + ".geojson")
    if not os.path.exists(path):
        continue
    layer = QgsVectorLayer(path, name, "ogr")
    if not layer.isValid():
        print(f"problem: {name}: does not load")
    elif not layer.isSpatial():
        print(f"problem: {name}: opens as a table, not a map layer")
    elif layer.renderer() is None or layer.renderer().type() == "singleSymbol" and name in ("sites", "incidents", "incident_areas"):
        print(f"problem: {name}: its style was not applied")
    else:
        print(f"layer {name} {layer.featureCount()} {layer.crs().authid()} {layer.renderer().type()}")
        layers.append(layer)
QgsProject.instance().addMapLayers(layers)
merc = QgsCoordinateReferenceSystem("EPSG:3857")
to_merc = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), merc, QgsProject.instance())
settings = QgsMapSettings()
settings.setLayers(list(reversed(layers)))  # the first is drawn on top
settings.setDestinationCrs(merc)
settings.setExtent(to_merc.transformBoundingBox(QgsRectangle(*box)))
settings.setOutputSize(QSize(800, 800))
settings.setOutputDpi(96)
settings.setBackgroundColor(QColor(255, 255, 255))
job = QgsMapRendererParallelJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
image.save(out, "png")
to_pixel = settings.mapToPixel()
for arg in sys.argv[4:]:
    lon, lat = (float(x) for x in arg.split(","))
    p = to_pixel.transform(to_merc.transform(QgsPointXY(lon, lat)))
    c = QColor(image.pixel(int(round(p.x())), int(round(p.y()))))
    print(f"sample {lon} {lat} {c.red()} {c.green()} {c.blue()}")
app.exitQgis()
