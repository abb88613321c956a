//! QGIS layer styles (`.qml`) generated from the one palette in
//! [`crate::style`], so a layer opened in QGIS looks like the rendered maps.
//!
//! The documents use QGIS 3's `renderer-v2` element with `categorizedSymbol`
//! or `singleSymbol` renderers and `SimpleMarker`, `SimpleFill` and
//! `SimpleLine` symbol layers. Symbol layer properties are written both as
//! an `Option` map (read by QGIS 3.22 and later) and as `prop` elements
//! (read by earlier 3.x releases); labels use the `simple` labeling engine.

use crate::layers::{GeometryType, Layer};
use crate::model::WeaponCategory;
use crate::style::{self, Rgb};
use crate::util::xml::escape;
use std::fmt::Write as _;

/// The QGIS version the documents declare.
pub const QGIS_VERSION: &str = "3.22.0-Białowieża";

/// One symbol layer: class, properties, and properties computed per
/// feature (QGIS property name, such as `fillStyle`, and its expression).
struct SymbolLayer {
    class: &'static str,
    props: Vec<(&'static str, String)>,
    data_defined: Vec<(&'static str, String)>,
}

fn write_symbol_layer(out: &mut String, sl: &SymbolLayer, indent: &str) {
    let _ = writeln!(
        out,
        "{indent}<layer class=\"{}\" enabled=\"1\" locked=\"0\" pass=\"0\">",
        sl.class
    );
    let _ = writeln!(out, "{indent}  <Option type=\"Map\">");
    for (k, v) in &sl.props {
        let _ = writeln!(
            out,
            "{indent}    <Option name=\"{k}\" type=\"QString\" value=\"{}\"/>",
            escape(v)
        );
    }
    let _ = writeln!(out, "{indent}  </Option>");
    for (k, v) in &sl.props {
        let _ = writeln!(out, "{indent}  <prop k=\"{k}\" v=\"{}\"/>", escape(v));
    }
    if !sl.data_defined.is_empty() {
        let _ = writeln!(
            out,
            "{indent}  <data_defined_properties>\n{indent}    <Option type=\"Map\">\n{indent}      <Option name=\"name\" type=\"QString\" value=\"\"/>\n{indent}      <Option name=\"properties\" type=\"Map\">"
        );
        for (k, expression) in &sl.data_defined {
            let _ = writeln!(
                out,
                "{indent}        <Option name=\"{k}\" type=\"Map\">\n{indent}          <Option name=\"active\" type=\"bool\" value=\"true\"/>\n{indent}          <Option name=\"expression\" type=\"QString\" value=\"{}\"/>\n{indent}          <Option name=\"type\" type=\"int\" value=\"3\"/>\n{indent}        </Option>",
                escape(expression)
            );
        }
        let _ = writeln!(
            out,
            "{indent}      </Option>\n{indent}      <Option name=\"type\" type=\"QString\" value=\"collection\"/>\n{indent}    </Option>\n{indent}  </data_defined_properties>"
        );
    }
    let _ = writeln!(out, "{indent}</layer>");
}

/// `marker`, `line` or `fill`.
fn symbol_type(g: GeometryType) -> &'static str {
    match g {
        GeometryType::Point => "marker",
        GeometryType::LineString => "line",
        GeometryType::MultiPolygon => "fill",
    }
}

fn write_symbol(
    out: &mut String,
    name: &str,
    g: GeometryType,
    layers: &[SymbolLayer],
    indent: &str,
) {
    let _ = writeln!(
        out,
        "{indent}<symbol name=\"{name}\" type=\"{}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">",
        symbol_type(g)
    );
    for l in layers {
        write_symbol_layer(out, l, &format!("{indent}  "));
    }
    let _ = writeln!(out, "{indent}</symbol>");
}

fn marker(colour: Rgb, shape: style::Marker, size_mm: f64) -> SymbolLayer {
    SymbolLayer {
        class: "SimpleMarker",
        props: vec![
            ("name", shape.qgis_name().into()),
            ("color", colour.qgis(1.0)),
            ("outline_color", style::HALO.qgis(1.0)),
            ("outline_style", "solid".into()),
            ("outline_width", "0.4".into()),
            ("outline_width_unit", "MM".into()),
            ("size", format!("{size_mm}")),
            ("size_unit", "MM".into()),
            ("angle", "0".into()),
            ("joinstyle", "miter".into()),
            ("scale_method", "diameter".into()),
        ],
        data_defined: vec![],
    }
}

fn fill(
    colour: Rgb,
    opacity: f64,
    outline: Rgb,
    outline_style: &str,
    width_mm: f64,
) -> SymbolLayer {
    SymbolLayer {
        class: "SimpleFill",
        props: vec![
            ("color", colour.qgis(opacity)),
            ("style", if opacity > 0.0 { "solid" } else { "no" }.into()),
            ("outline_color", outline.qgis(1.0)),
            ("outline_style", outline_style.into()),
            ("outline_width", format!("{width_mm}")),
            ("outline_width_unit", "MM".into()),
            ("joinstyle", "round".into()),
        ],
        data_defined: vec![],
    }
}

/// Where an incident may have happened, as the maps draw it: a band, sector,
/// footprint or area filled faintly with a dashed edge; an incident "within"
/// a site known only as a point (its shape the site's position circle)
/// outlined only, so the bands under it stay visible.
fn incident_area(colour: Rgb) -> SymbolLayer {
    let mut symbol = fill(colour, style::INCIDENT_FILL_OPACITY, colour, "dash", 0.5);
    let circle = format!("\"shape\" LIKE '%{}%'", crate::shapes::POSITION_CIRCLE);
    symbol.data_defined = vec![
        ("fillStyle", format!("if({circle}, 'no', 'solid')")),
        ("outlineStyle", format!("if({circle}, 'solid', 'dash')")),
    ];
    symbol
}

fn line(colour: Rgb, style_name: &str, width_mm: f64) -> SymbolLayer {
    SymbolLayer {
        class: "SimpleLine",
        props: vec![
            ("line_color", colour.qgis(1.0)),
            ("line_style", style_name.into()),
            ("line_width", format!("{width_mm}")),
            ("line_width_unit", "MM".into()),
            ("capstyle", "round".into()),
            ("joinstyle", "round".into()),
        ],
        data_defined: vec![],
    }
}

/// A category: value, legend label, symbol layers.
struct Category {
    value: String,
    label: String,
    symbol: Vec<SymbolLayer>,
}

/// Labels: field, size in points, placement (QGIS `QgsPalLayerSettings::Placement`:
/// 0 around point, 2 along line / polygon perimeter), and how far (mm) a label
/// may run past the end of a line (a short link still gets its distance).
struct Labels {
    field: &'static str,
    size_pt: f64,
    placement: u8,
    overrun_mm: f64,
}

/// Line placement flags: above (2) or below (4) the line, read in map
/// orientation (8), so labels sit beside the line, not on it.
const LINE_SIDES: u8 = 2 | 4 | 8;

fn document(g: GeometryType, renderer: &str, labels: Option<&Labels>) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    let _ = writeln!(
        out,
        "<qgis version=\"{QGIS_VERSION}\" styleCategories=\"Symbology|Labeling\" labelsEnabled=\"{}\">",
        u8::from(labels.is_some())
    );
    out.push_str(renderer);
    if let Some(l) = labels {
        let _ = writeln!(out, "  <labeling type=\"simple\">");
        let _ = writeln!(out, "    <settings calloutType=\"simple\">");
        let _ = writeln!(
            out,
            "      <text-style fieldName=\"{}\" isExpression=\"0\" fontFamily=\"DejaVu Sans\" fontSize=\"{}\" fontSizeUnit=\"Point\" fontWeight=\"50\" textColor=\"{}\" textOpacity=\"1\" multilineAlign=\"0\">",
            l.field,
            l.size_pt,
            style::TEXT.qgis(1.0)
        );
        let _ = writeln!(
            out,
            "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" bufferColor=\"{}\" bufferOpacity=\"0.85\" bufferJoinStyle=\"128\" bufferNoFill=\"1\"/>",
            style::HALO.qgis(1.0)
        );
        let _ = writeln!(out, "      </text-style>");
        let _ = writeln!(out, "      <text-format wrapChar=\"\" multilineHeight=\"1\" plussign=\"0\" decimals=\"3\" formatNumbers=\"0\" reverseDirectionSymbol=\"0\" leftDirectionSymbol=\"&lt;\" rightDirectionSymbol=\"&gt;\" addDirectionSymbol=\"0\" placeDirectionSymbol=\"0\"/>");
        let _ = writeln!(
            out,
            "      <placement placement=\"{}\" placementFlags=\"{}\" dist=\"1\" distUnits=\"MM\" offsetType=\"0\" quadOffset=\"4\" priority=\"5\" overrunDistance=\"{}\" overrunDistanceUnit=\"MM\" repeatDistance=\"0\"/>",
            l.placement, LINE_SIDES, l.overrun_mm
        );
        let _ = writeln!(out, "      <rendering obstacle=\"1\" displayAll=\"0\" upsidedownLabels=\"0\" labelPerPart=\"0\" mergeLines=\"0\" drawLabels=\"1\" scaleVisibility=\"0\"/>");
        let _ = writeln!(out, "    </settings>");
        let _ = writeln!(out, "  </labeling>");
    }
    let geometry_code = match g {
        GeometryType::Point => 0,
        GeometryType::LineString => 1,
        GeometryType::MultiPolygon => 2,
    };
    let _ = writeln!(
        out,
        "  <layerGeometryType>{geometry_code}</layerGeometryType>"
    );
    out.push_str("</qgis>\n");
    out
}

fn categorized(g: GeometryType, attr: &str, cats: &[Category], other: Vec<SymbolLayer>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  <renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">",
        escape(attr)
    );
    out.push_str("    <categories>\n");
    for (i, c) in cats.iter().enumerate() {
        let _ = writeln!(
            out,
            "      <category value=\"{}\" label=\"{}\" symbol=\"{i}\" render=\"true\"/>",
            escape(&c.value),
            escape(&c.label)
        );
    }
    // An empty value catches every value not listed (QGIS's "all other values").
    let _ = writeln!(
        out,
        "      <category value=\"\" label=\"Other\" symbol=\"{}\" render=\"true\"/>",
        cats.len()
    );
    out.push_str("    </categories>\n    <symbols>\n");
    for (i, c) in cats.iter().enumerate() {
        write_symbol(&mut out, &i.to_string(), g, &c.symbol, "      ");
    }
    write_symbol(&mut out, &cats.len().to_string(), g, &other, "      ");
    out.push_str("    </symbols>\n");
    out.push_str("    <source-symbol>\n");
    let src = cats.first().map(|c| &c.symbol[..]).unwrap_or(&other[..]);
    write_symbol(&mut out, "0", g, src, "      ");
    out.push_str("    </source-symbol>\n");
    out.push_str("  </renderer-v2>\n");
    out
}

fn single(g: GeometryType, symbol: &[SymbolLayer]) -> String {
    let mut out = String::new();
    out.push_str("  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <symbols>\n");
    write_symbol(&mut out, "0", g, symbol, "      ");
    out.push_str("    </symbols>\n  </renderer-v2>\n");
    out
}

fn title_case(kind: &str) -> String {
    let s = kind.replace('_', " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

/// Site kinds to list: the palette's kinds and every kind in the data, sorted.
fn site_kinds(layer: &Layer) -> Vec<String> {
    let mut kinds: Vec<String> = style::SITE_KINDS.iter().map(|k| k.to_string()).collect();
    kinds.extend(layer.distinct_text("kind"));
    kinds.sort();
    kinds.dedup();
    kinds
}

/// The QGIS style for one of the layers built by [`super::build_layers`].
pub fn style_for(layer: &Layer) -> String {
    let g = layer.geometry_type;
    match layer.name.as_str() {
        "sites" => {
            let cats: Vec<Category> = site_kinds(layer)
                .into_iter()
                .map(|k| {
                    let (c, m) = style::site_style(&k);
                    Category {
                        label: title_case(&k),
                        symbol: vec![marker(c, m, 4.2)],
                        value: k,
                    }
                })
                .collect();
            let (c, m) = style::site_style("");
            let r = categorized(g, "kind", &cats, vec![marker(c, m, 4.2)]);
            document(
                g,
                &r,
                Some(&Labels {
                    field: "name",
                    size_pt: 8.0,
                    placement: 0,
                    overrun_mm: 0.0,
                }),
            )
        }
        "site_footprints" => {
            let cats: Vec<Category> = site_kinds(layer)
                .into_iter()
                .map(|k| {
                    let (c, _) = style::site_style(&k);
                    Category {
                        label: title_case(&k),
                        symbol: vec![fill(c, style::SITE_FILL_OPACITY, c, "solid", 0.4)],
                        value: k,
                    }
                })
                .collect();
            let (c, _) = style::site_style("");
            let r = categorized(
                g,
                "kind",
                &cats,
                vec![fill(c, style::SITE_FILL_OPACITY, c, "solid", 0.4)],
            );
            document(g, &r, None)
        }
        "incidents" | "incident_areas" => {
            let point = g == GeometryType::Point;
            let cats: Vec<Category> = WeaponCategory::ALL
                .iter()
                .map(|w| {
                    let (c, m) = style::weapon_style(*w);
                    let symbol = if point {
                        marker(c, m, 5.0)
                    } else {
                        incident_area(c)
                    };
                    Category {
                        value: w.as_str().into(),
                        label: w.label().into(),
                        symbol: vec![symbol],
                    }
                })
                .collect();
            let (c, m) = style::weapon_style(WeaponCategory::Unknown);
            let other = if point {
                marker(c, m, 5.0)
            } else {
                incident_area(c)
            };
            let r = categorized(g, "weapon_category", &cats, vec![other]);
            document(g, &r, None)
        }
        "links" => {
            let r = single(g, &[line(style::LINK, "solid", 0.5)]);
            document(
                g,
                &r,
                Some(&Labels {
                    field: "label",
                    size_pt: 8.0,
                    placement: 2,
                    overrun_mm: 30.0,
                }),
            )
        }
        "rings" => {
            let r = single(g, &[fill(style::RING, 0.0, style::RING, "dash", 0.35)]);
            document(
                g,
                &r,
                Some(&Labels {
                    field: "label",
                    size_pt: 7.0,
                    placement: 2,
                    overrun_mm: 30.0,
                }),
            )
        }
        _ => {
            // uncertainty, and any other polygon layer: translucent fill.
            let symbol = match g {
                GeometryType::MultiPolygon => fill(
                    style::UNCERTAINTY,
                    style::UNCERTAINTY_OPACITY,
                    style::UNCERTAINTY,
                    "solid",
                    0.3,
                ),
                GeometryType::LineString => line(style::UNCERTAINTY, "solid", 0.3),
                GeometryType::Point => marker(style::UNCERTAINTY, style::Marker::Circle, 3.0),
            };
            document(g, &single(g, &[symbol]), None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{FieldType, Layer, Value};

    fn layer(name: &str, g: GeometryType) -> Layer {
        let mut l = Layer::new(name, "", g, &[("kind", FieldType::Text)]);
        l.push(None, vec![Value::Text("oil_depot".into())]);
        l
    }

    /// Every opening element is closed and attributes are quoted: a small
    /// well-formedness check (QGIS rejects a style that does not parse).
    fn assert_well_formed(xml: &str) {
        let mut stack: Vec<String> = Vec::new();
        let body = &xml[xml.find("<qgis").unwrap()..];
        for tag in body.split('<').skip(1) {
            let tag = &tag[..tag.find('>').expect("unclosed tag")];
            assert_eq!(
                tag.matches('"').count() % 2,
                0,
                "unbalanced quotes in <{tag}>"
            );
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "closing </{name}>");
            } else if !tag.ends_with('/') {
                stack.push(tag.split_whitespace().next().unwrap().to_string());
            }
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
    }

    #[test]
    fn incidents_are_categorized_by_weapon_with_palette_colours() {
        let qml = style_for(&layer("incidents", GeometryType::Point));
        assert_well_formed(&qml);
        assert!(qml.contains("<renderer-v2 type=\"categorizedSymbol\" attr=\"weapon_category\""));
        assert_eq!(
            qml.matches("<category ").count(),
            WeaponCategory::ALL.len() + 1
        );
        for w in WeaponCategory::ALL {
            let (c, m) = style::weapon_style(w);
            assert!(qml.contains(&format!("value=\"{}\"", w.as_str())));
            assert!(qml.contains(&format!("value=\"{}\"", c.qgis(1.0))));
            assert!(qml.contains(&format!("value=\"{}\"", m.qgis_name())));
        }
        assert!(qml.contains("<layerGeometryType>0</layerGeometryType>"));
    }

    #[test]
    fn sites_list_the_kinds_in_the_data() {
        let qml = style_for(&layer("sites", GeometryType::Point));
        assert_well_formed(&qml);
        for kind in ["embassy", "energy", "hospital", "oil_depot"] {
            assert!(
                qml.contains(&format!("<category value=\"{kind}\"")),
                "{kind}"
            );
        }
        assert!(qml.contains("fieldName=\"name\""));
    }

    #[test]
    fn rings_dashed_uncertainty_translucent_links_labelled() {
        let rings = style_for(&layer("rings", GeometryType::MultiPolygon));
        assert_well_formed(&rings);
        assert!(rings.contains("name=\"outline_style\" type=\"QString\" value=\"dash\""));
        assert!(rings.contains("name=\"style\" type=\"QString\" value=\"no\""));
        let unc = style_for(&layer("uncertainty", GeometryType::MultiPolygon));
        assert_well_formed(&unc);
        let alpha = (style::UNCERTAINTY_OPACITY * 255.0).round() as u8;
        assert!(alpha > 0 && alpha < 128);
        assert!(unc.contains(&format!(
            "value=\"{}\"",
            style::UNCERTAINTY.qgis(style::UNCERTAINTY_OPACITY)
        )));
        let links = style_for(&layer("links", GeometryType::LineString));
        assert_well_formed(&links);
        assert!(links.contains("labelsEnabled=\"1\"") && links.contains("fieldName=\"label\""));
        assert!(links.contains("class=\"SimpleLine\""));
    }
}
