//! `latest.svg`, written by hand (no plotting dependency): per program a group of bars, one
//! per mode, the median run-time overhead with a min–max whisker; dashed reference lines at
//! ConfLLVM's 12% (SPEC CPU 2006) and LFI's 7.1% (SPEC 2017); a cross where a mode failed.

use super::report::{geomeans, mode_names};
use super::ProgramResult;

const COLORS: &[&str] = &["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#bab0ac", "#ff9da7"];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A bar: median, min and max ratio; `None` when the mode was not measured.
type Bar = Option<(f64, f64, f64)>;

/// `title` is the first line; `subtitle` (small, under the legend) the method in short.
pub fn plot(programs: &[ProgramResult], title: &str, subtitle: Option<&str>) -> String {
    let modes = mode_names(programs);
    // Groups: each program, then the geomean.
    let mut groups: Vec<(String, Vec<Bar>)> = programs
        .iter()
        .map(|p| {
            let bars = modes
                .iter()
                .map(|m| p.figures(m).map(|f| (f.ratio.median, f.ratio.min, f.ratio.max)))
                .collect();
            (p.program.name.to_string(), bars)
        })
        .collect();
    groups.push((
        "geomean".into(),
        modes.iter().map(|m| geomeans(programs, m).map(|g| (g.0, g.0, g.0))).collect(),
    ));

    let pct = |r: f64| (r - 1.0) * 100.0;
    let values = groups.iter().flat_map(|(_, bars)| bars.iter().flatten().flat_map(|&(m, lo, hi)| [pct(m), pct(lo), pct(hi)]));
    let (mut lo, mut hi) = (-5.0f64, 15.0f64);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    lo = (lo.max(-60.0) / 5.0).floor() * 5.0;
    hi = (hi.min(300.0) / 5.0).ceil() * 5.0;

    let bar_w = 9.0;
    let group_w = bar_w * modes.len().max(1) as f64 + 14.0;
    let (left, right, top, bottom) = (60.0, 20.0, 80.0, 90.0);
    let plot_h = 320.0;
    // Wide enough for the title and the legend however few programs there are.
    let width = (left + right + group_w * groups.len() as f64).max(640.0);
    let height = top + plot_h + bottom;
    let y = |v: f64| top + (hi - v.clamp(lo, hi)) / (hi - lo) * plot_h;

    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"11\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{left}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">{}</text>\n",
        escape(title)
    );
    if let Some(subtitle) = subtitle {
        s += &format!("<text x=\"{left}\" y=\"58\" font-size=\"10\" fill=\"#555\">{}</text>\n", escape(subtitle));
    }
    // Legend.
    for (i, m) in modes.iter().enumerate() {
        let x = left + i as f64 * 70.0;
        s += &format!(
            "<rect x=\"{x:.1}\" y=\"32\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{:.1}\" y=\"41\">{}</text>\n",
            COLORS[i % COLORS.len()],
            x + 14.0,
            escape(m)
        );
    }
    let x_end = width - right;
    // Grid and axis labels every 5 or 10 points.
    let step = if hi - lo > 80.0 { 20.0 } else if hi - lo > 40.0 { 10.0 } else { 5.0 };
    let mut v = (lo / step).ceil() * step;
    while v <= hi + 1e-9 {
        s += &format!(
            "<line x1=\"{left}\" y1=\"{0:.1}\" x2=\"{x_end:.1}\" y2=\"{0:.1}\" stroke=\"{1}\" stroke-width=\"1\"/>\
             <text x=\"{2:.1}\" y=\"{3:.1}\" text-anchor=\"end\">{v:+.0}%</text>\n",
            y(v),
            if v == 0.0 { "#000" } else { "#e5e5e5" },
            left - 6.0,
            y(v) + 4.0
        );
        v += step;
    }
    s += &format!(
        "<text x=\"14\" y=\"{0:.1}\" transform=\"rotate(-90 14 {0:.1})\" text-anchor=\"middle\">run-time overhead (median, min–max)</text>\n",
        top + plot_h / 2.0
    );
    // Bars.
    for (g, (name, bars)) in groups.iter().enumerate() {
        let gx = left + g as f64 * group_w + 7.0;
        for (i, bar) in bars.iter().enumerate() {
            let x = gx + i as f64 * bar_w;
            let color = COLORS[i % COLORS.len()];
            match bar {
                Some((median, min, max)) => {
                    let (y0, y1) = (y(0.0), y(pct(*median)));
                    s += &format!(
                        "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\"><title>{} {}: {:+.1}% (min {:+.1}%, max {:+.1}%)</title></rect>\n",
                        y0.min(y1),
                        bar_w - 1.0,
                        (y0 - y1).abs().max(0.5),
                        escape(name),
                        escape(&modes[i]),
                        pct(*median),
                        pct(*min),
                        pct(*max)
                    );
                    if min != max {
                        let cx = x + (bar_w - 1.0) / 2.0;
                        s += &format!(
                            "<line x1=\"{cx:.1}\" y1=\"{:.1}\" x2=\"{cx:.1}\" y2=\"{:.1}\" stroke=\"#333\" stroke-width=\"1\"/>\n",
                            y(pct(*min)),
                            y(pct(*max))
                        );
                    }
                }
                None => {
                    s += &format!(
                        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{color}\" font-weight=\"bold\"><title>{} {}: not measured</title>×</text>\n",
                        x + bar_w / 2.0,
                        y(0.0) - 3.0,
                        escape(name),
                        escape(&modes[i])
                    );
                }
            }
        }
        let lx = gx + bar_w * bars.len() as f64 / 2.0;
        let ly = top + plot_h + 12.0;
        s += &format!(
            "<text x=\"{lx:.1}\" y=\"{ly:.1}\" text-anchor=\"end\" transform=\"rotate(-40 {lx:.1} {ly:.1})\"{}>{}</text>\n",
            if name == "geomean" { " font-weight=\"bold\"" } else { "" },
            escape(name)
        );
    }
    // Reference lines.
    for (value, label, color) in [(12.0, "ConfLLVM 12% (SPEC CPU 2006)", "#c00"), (7.1, "LFI 7.1% (SPEC 2017)", "#06c")] {
        if value <= hi {
            s += &format!(
                "<line x1=\"{left}\" y1=\"{0:.1}\" x2=\"{x_end:.1}\" y2=\"{0:.1}\" stroke=\"{color}\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\
                 <text x=\"{1:.1}\" y=\"{2:.1}\" text-anchor=\"end\" fill=\"{color}\">{label}</text>\n",
                y(value),
                x_end - 2.0,
                y(value) - 3.0
            );
        }
    }
    s += "</svg>\n";
    s
}
