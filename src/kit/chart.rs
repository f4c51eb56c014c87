//! Line charts as PNG images: series in, PNG bytes out. A chart is a title,
//! the labels of its points along the bottom (one per week, say) and a
//! stack of panels, each with its lines and their legend. It knows no
//! feature and no language: every word comes in already written.
//!
//! Drawn with plotters into memory and encoded with `image`. Text is
//! DejaVu Sans (`assets/fonts/DejaVuSans.ttf`, licence beside it), embedded
//! in the binary and read by `ab_glyph`: a chart looks the same on a server
//! with no fonts installed, and every Kazakh letter is drawn.

use image::{ImageFormat, RgbImage};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use std::io::Cursor;
use std::sync::OnceLock;

/// The embedded font (DejaVu Sans 2.37, see `DejaVuSans-LICENSE.txt`).
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// The name plotters knows it by.
const FAMILY: &str = "talimger-sans";

/// A colour as red, green, blue.
pub type Rgb = (u8, u8, u8);

/// The colour of text, axes and the lines that stand for everything.
pub const INK: Rgb = (33, 33, 33);

/// The colours of other lines, told apart also by readers who do not see
/// red and green apart (Okabe and Ito's palette, yellow left out).
pub const PALETTE: [Rgb; 6] =
    [(0, 114, 178), (230, 159, 0), (0, 158, 115), (213, 94, 0), (86, 180, 233), (204, 121, 167)];

/// The picture's width; the height follows from the panels.
pub const WIDTH: u32 = 1000;
const HEADER: u32 = 64;
const PLOT: u32 = 380;
const LEGEND_ROW: u32 = 30;
const NOTE_LINE: u32 = 28;
/// At most this many labels along the bottom; plotters picks which.
const MAX_X_LABELS: usize = 12;

/// One line of a panel: a value per point, `None` where there is none (the
/// line breaks there).
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub label: String,
    pub colour: Rgb,
    pub dashed: bool,
    pub values: Vec<Option<f64>>,
}

/// One panel: a title, what the vertical axis counts, its lines, and what
/// it says instead when no line has a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    pub title: String,
    pub unit: String,
    pub lines: Vec<Line>,
    pub empty: String,
    /// The values are counts: the axis shows whole numbers only.
    pub counts: bool,
}

/// A picture of panels stacked over one another, sharing the labels of
/// their points (`x_labels`, one per point, described by `x_title`).
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub title: String,
    pub x_title: String,
    pub x_labels: Vec<String>,
    pub panels: Vec<Panel>,
    /// Lines under the panels.
    pub notes: Vec<String>,
}

/// Why a chart could not be drawn (a bug, never the reader's doing).
#[derive(Debug, thiserror::Error)]
#[error("could not draw a chart: {0}")]
pub struct ChartError(String);

fn failed(e: impl std::fmt::Display) -> ChartError {
    ChartError(e.to_string())
}

/// The picture's width and height.
pub fn size(chart: &Chart) -> (u32, u32) {
    let panels: u32 = chart.panels.iter().map(panel_height).sum();
    let notes = u32::try_from(chart.notes.len()).unwrap_or(u32::MAX);
    let footer = if notes == 0 { 0 } else { notes.saturating_mul(NOTE_LINE) + 16 };
    (WIDTH, HEADER + panels + footer)
}

/// A panel's height: the plot and two legend entries a row.
fn panel_height(panel: &Panel) -> u32 {
    let rows = u32::try_from(panel.lines.len().div_ceil(2)).unwrap_or(u32::MAX);
    PLOT + rows.saturating_mul(LEGEND_ROW) + 16
}

/// The chart as a PNG image.
pub fn png(chart: &Chart) -> Result<Vec<u8>, ChartError> {
    register()?;
    let (width, height) = size(chart);
    let mut pixels = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let (header, mut rest) = root.split_vertically(HEADER);
        header.draw_text(&chart.title, &style(26), (24, 20)).map_err(failed)?;
        for (k, panel) in chart.panels.iter().enumerate() {
            let (area, below) = rest.split_vertically(panel_height(panel));
            // What the labels along the bottom are is said once, under the last.
            let x_title = if k + 1 == chart.panels.len() { chart.x_title.as_str() } else { "" };
            draw_panel(&area, panel, &chart.x_labels, x_title)?;
            rest = below;
        }
        for (k, note) in chart.notes.iter().enumerate() {
            let y = i32::try_from(k).unwrap_or(0) * NOTE_LINE as i32 + 8;
            rest.draw_text(&fit(note, 16, WIDTH - 48)?, &style(16), (24, y)).map_err(failed)?;
        }
        root.present().map_err(failed)?;
    }
    let image = RgbImage::from_raw(width, height, pixels).ok_or_else(|| failed("a short buffer"))?;
    let mut out = Vec::new();
    image.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).map_err(failed)?;
    Ok(out)
}

/// The embedded font, registered once for the whole process.
fn register() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    if *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok()) {
        Ok(())
    } else {
        Err(failed("the embedded font does not load"))
    }
}

fn style(size: u32) -> TextStyle<'static> {
    const TEXT: RGBColor = RGBColor(INK.0, INK.1, INK.2);
    TextStyle::from((FAMILY, size).into_font()).color(&TEXT)
}

fn colour((r, g, b): Rgb) -> RGBColor {
    RGBColor(r, g, b)
}

/// `text` cut with «…» to fit `width` pixels at `size`.
fn fit(text: &str, size: u32, width: u32) -> Result<String, ChartError> {
    let font = (FAMILY, size).into_font();
    let wide = |s: &str| font.box_size(s).map(|(w, _)| w > width).map_err(failed);
    if !wide(text)? {
        return Ok(text.to_owned());
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let cut = format!("{}…", chars.iter().collect::<String>().trim_end());
        if !wide(&cut)? {
            return Ok(cut);
        }
    }
    Ok("…".to_owned())
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

fn draw_panel(area: &Area, panel: &Panel, x_labels: &[String], x_title: &str) -> Result<(), ChartError> {
    let (plot, legend) = area.split_vertically(PLOT);
    let points = x_labels.len().max(1);
    let last = i32::try_from(points - 1).unwrap_or(i32::MAX);
    let highest = panel.lines.iter().flat_map(|l| l.values.iter().flatten()).fold(0.0_f64, |a, &b| a.max(b));
    let top = if panel.counts { (highest * 1.15).ceil().max(4.0) } else { (highest * 1.15).max(1.0) };
    let mut c = ChartBuilder::on(&plot)
        .caption(fit(&panel.title, 20, WIDTH - 48)?, style(20))
        .margin(12)
        .margin_right(28)
        .x_label_area_size(56)
        .y_label_area_size(64)
        .build_cartesian_2d((0..last).into_segmented(), 0.0..top)
        .map_err(failed)?;
    let x_label = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
            usize::try_from(*i).ok().and_then(|i| x_labels.get(i)).cloned().unwrap_or_default()
        }
        SegmentValue::Last => String::new(),
    };
    let y_labels = if panel.counts { (top as usize + 1).min(6) } else { 6 };
    c.configure_mesh()
        .disable_x_mesh()
        .x_labels(points.min(MAX_X_LABELS))
        .y_labels(y_labels)
        .x_label_formatter(&x_label)
        .y_label_formatter(&|y| number(*y))
        .x_desc(x_title)
        .y_desc(panel.unit.as_str())
        .label_style(style(16))
        .axis_desc_style(style(16))
        .axis_style(colour(INK))
        .bold_line_style(RGBColor(225, 225, 225))
        .light_line_style(TRANSPARENT)
        .draw()
        .map_err(failed)?;
    let mut any = false;
    for line in &panel.lines {
        let ink = colour(line.colour);
        for run in runs(&line.values) {
            any = true;
            let at = |(i, v): &(usize, f64)| (SegmentValue::CenterOf(i32::try_from(*i).unwrap_or(0)), *v);
            let points: Vec<_> = run.iter().map(at).collect();
            if line.dashed {
                c.draw_series(DashedLineSeries::new(points.clone(), 10, 7, ink.stroke_width(2)))
                    .map_err(failed)?;
            } else {
                c.draw_series(LineSeries::new(points.clone(), ink.stroke_width(3))).map_err(failed)?;
            }
            c.draw_series(points.into_iter().map(|p| Circle::new(p, 4, ink.filled()))).map_err(failed)?;
        }
    }
    if !any {
        let (w, h) = plot.dim_in_pixel();
        let text = style(20).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        ));
        let at = (i32::try_from(w / 2).unwrap_or(0), i32::try_from(h / 2).unwrap_or(0));
        plot.draw_text(&fit(&panel.empty, 20, w.saturating_sub(160))?, &text, at).map_err(failed)?;
    }
    draw_legend(&legend, &panel.lines)
}

/// Two entries a row: a stretch of the line, its label.
fn draw_legend(area: &Area, lines: &[Line]) -> Result<(), ChartError> {
    let column = (WIDTH - 96) / 2;
    for (k, line) in lines.iter().enumerate() {
        let k = u32::try_from(k).unwrap_or(u32::MAX);
        let x = i32::try_from(76 + (k % 2) * column).unwrap_or(0);
        let y = i32::try_from((k / 2) * LEGEND_ROW + 6).unwrap_or(0);
        let ink = colour(line.colour);
        let sample = vec![(x, y + 10), (x + 36, y + 10)];
        if line.dashed {
            area.draw(&PathElement::new(vec![(x, y + 10), (x + 12, y + 10)], ink.stroke_width(2)))
                .map_err(failed)?;
            area.draw(&PathElement::new(vec![(x + 22, y + 10), (x + 36, y + 10)], ink.stroke_width(2)))
                .map_err(failed)?;
        } else {
            area.draw(&PathElement::new(sample, ink.stroke_width(3))).map_err(failed)?;
        }
        let label = fit(&line.label, 16, column - 56)?;
        area.draw_text(&label, &style(16), (x + 46, y)).map_err(failed)?;
    }
    Ok(())
}

/// The stretches of consecutive values, each with its points' places.
fn runs(values: &[Option<f64>]) -> Vec<Vec<(usize, f64)>> {
    let mut out: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut open = false;
    for (i, v) in values.iter().enumerate() {
        match (v, open) {
            (Some(v), true) => out.last_mut().into_iter().for_each(|run| run.push((i, *v))),
            (Some(v), false) => out.push(vec![(i, *v)]),
            (None, _) => {}
        }
        open = v.is_some();
    }
    out
}

/// A number on an axis: whole as it is, else one decimal with a comma.
fn number(y: f64) -> String {
    if (y - y.round()).abs() < 1e-9 { format!("{:.0}", y) } else { format!("{y:.1}").replace('.', ",") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(labels: usize, lines: Vec<Line>) -> Chart {
        Chart {
            title: "Апта сайын".to_owned(),
            x_title: "Аптаның бірінші күні".to_owned(),
            x_labels: (0..labels).map(|i| format!("{:02}.09", 1 + 7 * i)).collect(),
            panels: vec![Panel {
                title: "Сұрақтар".to_owned(),
                unit: String::new(),
                lines,
                empty: "Жоқ".to_owned(),
                counts: true,
            }],
            notes: vec![],
        }
    }

    #[test]
    fn runs_break_where_a_value_is_missing() {
        let values = [Some(1.0), Some(2.0), None, Some(3.0), None, None, Some(4.0), Some(5.0)];
        assert_eq!(runs(&values), vec![vec![(0, 1.0), (1, 2.0)], vec![(3, 3.0)], vec![(6, 4.0), (7, 5.0)]]);
        assert!(runs(&[None, None]).is_empty());
    }

    #[test]
    fn numbers_on_an_axis() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.5), "0,5");
        assert_eq!(number(12.25), "12,2");
    }

    #[test]
    fn one_week_or_none_draws_as_well_as_many() {
        let line = |values| Line {
            label: "№5 мектеп".to_owned(), colour: PALETTE[0], dashed: false, values
        };
        for (labels, values) in
            [(1, vec![Some(2.0)]), (0, vec![]), (60, (0..60).map(|i| Some(f64::from(i % 7))).collect())]
        {
            let chart = chart(labels, vec![line(values)]);
            let image = image::load_from_memory(&png(&chart).expect("drawn")).expect("a PNG");
            assert_eq!((image.width(), image.height()), size(&chart));
        }
    }

    #[test]
    fn long_labels_are_cut_to_fit() {
        register().expect("the font");
        let long = "Жаркент қаласының №1 жалпы білім беретін мектеп-гимназиясы, Панфилов ауданы";
        let cut = fit(long, 16, 300).expect("fits");
        assert!(cut.ends_with('…') && cut.chars().count() < long.chars().count(), "{cut}");
        assert_eq!(fit("№5", 16, 300).expect("fits"), "№5");
    }

    /// The pixels of `text` drawn alone, as the charts draw it.
    fn drawn(text: &str) -> Vec<u8> {
        register().expect("the font");
        let mut pixels = vec![255u8; 120 * 60 * 3];
        {
            let area = BitMapBackend::with_buffer(&mut pixels, (120, 60)).into_drawing_area();
            area.draw_text(text, &style(32), (10, 10)).expect("drawn");
            area.present().expect("drawn");
        }
        pixels
    }

    #[test]
    fn every_kazakh_letter_has_its_own_glyph() {
        let blank = drawn("");
        // A character the font has no glyph for: the empty box instead.
        let missing = drawn("\u{E000}");
        assert_ne!(missing, blank, "the font draws a box for what it lacks");
        for letter in "ӘәҒғҚқҢңӨөҰұҮүҺһІі".chars() {
            let letter = letter.to_string();
            let pixels = drawn(&letter);
            assert_ne!(pixels, blank, "{letter} is drawn");
            assert_ne!(pixels, missing, "{letter} is a letter of the font, not its empty box");
        }
    }
}
