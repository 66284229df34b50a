//! The burn-down chart: sites over time as an SVG drawn with plotters, one filled area for the
//! total or stacked areas per group with `--by`, the fixable sites as a line, the reference as a
//! dashed line, dates and counts on the axes, a legend and the percentage done in the title.

use plotters::coord::types::RangedCoordi64;
use plotters::prelude::*;

use super::Progress;
use super::points::Point;
use super::render::{date, thousands};

/// The chart's size in pixels.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Size {
    pub const STANDALONE: Size = Size {
        width: 960,
        height: 540,
    };
}

const SITES: RGBColor = RGBColor(214, 96, 77);
const FIXABLE: RGBColor = RGBColor(33, 102, 172);
const REFERENCE: RGBColor = RGBColor(90, 90, 90);

/// The chart as an SVG document.
pub fn svg(progress: &Progress, size: Size) -> anyhow::Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (size.width, size.height)).into_drawing_area();
        draw(&root, progress).map_err(|e| anyhow::anyhow!("cannot draw the chart: {e}"))?;
        root.present()
            .map_err(|e| anyhow::anyhow!("cannot draw the chart: {e}"))?;
    }
    Ok(out)
}

/// The title: what is counted and how far the migration is.
pub fn title(progress: &Progress) -> String {
    let Some(last) = progress.points.last() else {
        return "uuid4 sites".to_owned();
    };
    match (&progress.reference, progress.done_percent(last)) {
        (Some(reference), Some(done)) => format!(
            "uuid4 sites: {} → {}, {done:.1}% done (since {})",
            thousands(reference.sites),
            thousands(last.sites),
            date(reference, false)
        ),
        _ => format!("uuid4 sites: {}", thousands(last.sites)),
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordi64, RangedCoordi64>>;
type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn draw(root: &Area<'_>, progress: &Progress) -> DrawResult {
    root.fill(&WHITE)?;
    let Some(frame) = Frame::of(progress) else {
        return Ok(());
    };
    let mut chart = ChartBuilder::on(root)
        .caption(title(progress), ("sans-serif", 22))
        .margin(18)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(frame.x0..frame.end, 0i64..frame.y1)?;
    draw_mesh(&mut chart, &frame)?;
    let groups = progress.groups();
    if progress.by.is_some() && !groups.is_empty() {
        draw_groups(&mut chart, &progress.points, &groups, frame.end)?;
    } else {
        draw_sites(&mut chart, &progress.points, frame.end)?;
    }
    draw_fixable(&mut chart, &progress.points, frame.end)?;
    if let Some(reference) = &progress.reference {
        draw_reference(&mut chart, progress, reference, &frame)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(("sans-serif", 13))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .draw()?;
    Ok(())
}

/// The ranges the chart shows: times from `x0` to `end`, counts from 0 to `y1`.
struct Frame {
    x0: i64,
    end: i64,
    y1: i64,
    /// The dates on the axis show the hour too (the whole range is under two days).
    with_hours: bool,
}

impl Frame {
    /// `None` without a point.
    fn of(progress: &Progress) -> Option<Frame> {
        let points = &progress.points;
        let (first, last) = (points.first()?, points.last()?);
        let (mut x0, mut x1) = (first.time.seconds, last.time.seconds);
        for p in points {
            x0 = x0.min(p.time.seconds);
            x1 = x1.max(p.time.seconds);
        }
        if x1 - x0 < 3_600 {
            x0 -= 1_800;
            x1 += 1_800;
        }
        // Room after the last commit, so its step shows.
        let end = x1 + ((x1 - x0) / 30).max(600);
        let highest = points
            .iter()
            .map(|p| p.sites)
            .chain(progress.reference.as_ref().map(|r| r.sites))
            .max()
            .unwrap_or(0);
        Some(Frame {
            x0,
            end,
            y1: ((highest as f64 * 1.3).ceil() as i64).max(5),
            with_hours: end - x0 < 2 * 86_400,
        })
    }
}

/// The axes, their labels and the grid.
fn draw_mesh(chart: &mut Chart<'_, '_>, frame: &Frame) -> DrawResult {
    let format_x = |x: &i64| {
        let time = gix::date::Time {
            seconds: *x,
            offset: 0,
        };
        if frame.with_hours {
            time.format_or_unix(gix::date::time::CustomFormat::new("%Y-%m-%d %H:%M"))
        } else {
            time.format_or_unix(gix::date::time::format::SHORT)
        }
    };
    let format_y = |y: &i64| thousands(*y as usize);
    chart
        .configure_mesh()
        .x_labels(7)
        .y_labels(8)
        .x_label_formatter(&format_x)
        .y_label_formatter(&format_y)
        .x_desc("committer date (UTC)")
        .y_desc("sites")
        .axis_desc_style(("sans-serif", 15))
        .label_style(("sans-serif", 13))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()?;
    Ok(())
}

/// Stacked areas: the top of group g is the sum of groups 0..=g. Drawn from the top down, so
/// each smaller stack covers the one above it.
fn draw_groups(
    chart: &mut Chart<'_, '_>,
    points: &[Point],
    groups: &[String],
    end: i64,
) -> DrawResult {
    let stacked: Vec<Vec<i64>> = points
        .iter()
        .map(|p| {
            let mut sum = 0;
            groups
                .iter()
                .map(|g| {
                    sum += p.by.get(g).copied().unwrap_or(0) as i64;
                    sum
                })
                .collect()
        })
        .collect();
    for (g, name) in groups.iter().enumerate().rev() {
        let color = Palette99::pick(g).to_rgba();
        let series = steps(points, end, |i| stacked[i][g]);
        chart
            .draw_series(
                AreaSeries::new(series, 0, color.mix(0.55)).border_style(color.stroke_width(1)),
            )?
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], color.filled()));
    }
    Ok(())
}

/// One area for all the sites.
fn draw_sites(chart: &mut Chart<'_, '_>, points: &[Point], end: i64) -> DrawResult {
    chart
        .draw_series(
            AreaSeries::new(
                steps(points, end, |i| points[i].sites as i64),
                0,
                SITES.mix(0.25),
            )
            .border_style(SITES.stroke_width(2)),
        )?
        .label("sites left")
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], SITES.mix(0.5).filled()));
    Ok(())
}

/// The fixable sites, as a line.
fn draw_fixable(chart: &mut Chart<'_, '_>, points: &[Point], end: i64) -> DrawResult {
    chart
        .draw_series(LineSeries::new(
            steps(points, end, |i| points[i].fixable as i64),
            FIXABLE.stroke_width(2),
        ))?
        .label("fixable (rewrite can do them)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], FIXABLE.stroke_width(2)));
    Ok(())
}

/// The reference, as a dashed line across the chart.
fn draw_reference(
    chart: &mut Chart<'_, '_>,
    progress: &Progress,
    reference: &Point,
    frame: &Frame,
) -> DrawResult {
    let label = if progress.reference_named {
        format!("--from {}", super::short(&reference.commit))
    } else {
        "highest point".to_owned()
    };
    let level = reference.sites as i64;
    chart
        .draw_series(DashedLineSeries::new(
            [(frame.x0, level), (frame.end, level)],
            6,
            4,
            REFERENCE.stroke_width(1),
        ))?
        .label(format!(
            "reference: {label} ({})",
            thousands(reference.sites)
        ))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], REFERENCE.stroke_width(1)));
    Ok(())
}

/// The values as steps: a count holds until the next commit changes it.
/// The last count holds until `end`.
fn steps(points: &[Point], end: i64, value: impl Fn(usize) -> i64) -> Vec<(i64, i64)> {
    let mut out = Vec::with_capacity(points.len() * 2 + 1);
    for (i, point) in points.iter().enumerate() {
        if i > 0 {
            out.push((point.time.seconds, value(i - 1)));
        }
        out.push((point.time.seconds, value(i)));
    }
    if let Some(last) = points.len().checked_sub(1) {
        out.push((end, value(last)));
    }
    out
}
