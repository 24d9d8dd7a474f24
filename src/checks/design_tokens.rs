//! The contrast of the design tokens (`style/tokens.css`, the one source of the colours)
//! and of the program's tier colours, computed as WCAG 2.2 defines it: every pair the
//! screens put text on is at least 4.5:1 (AA for body text).

/// `--name: #rrggbb;` of the style sheet.
fn token(css: &str, name: &str) -> String {
    let key = format!("--{name}:");
    let at = css
        .find(&key)
        .unwrap_or_else(|| panic!("no token --{name}"));
    css[at + key.len()..]
        .split(';')
        .next()
        .unwrap()
        .trim()
        .to_owned()
}

/// Relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    assert_eq!(hex.len(), 6, "a #rrggbb colour: {hex}");
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

const CSS: &str = include_str!("../../style/tokens.css");
const WHITE: &str = "#ffffff";

#[test]
fn the_formula_is_wcags() {
    assert!((contrast("#000000", WHITE) - 21.0).abs() < 1e-9);
    assert!((contrast("#777777", WHITE) - 4.48).abs() < 0.01);
}

#[test]
fn text_tokens_reach_4_5_to_1_on_what_they_are_shown_on() {
    let t = |name: &str| token(CSS, name);
    // (text, background), as the screens pair them.
    let pairs = [
        ("ink", "surface"),
        ("ink", "bg"),
        ("ink-2", "surface"),
        ("ink-2", "bg"),
        ("ink-3", "surface"),
        ("ink-3", "bg"),
        ("accent", "surface"),
        ("accent", "accent-soft"),
        ("accent-2", "surface"),
        ("points", "surface"),
        ("ok", "surface"),
        ("danger", "surface"),
        ("gold-ink", "gold-soft"),
    ];
    for (text, background) in pairs {
        let ratio = contrast(&t(text), &t(background));
        assert!(ratio >= 4.5, "--{text} on --{background}: {ratio:.2}:1");
    }
    // White text: on the buttons' gradient (both ends), the hero, the tier cards.
    for background in ["accent", "accent-2", "hero", "hero-2"].into_iter().chain([
        "tier-regular",
        "tier-silver",
        "tier-gold",
        "tier-diamond",
    ]) {
        let ratio = contrast(WHITE, &t(background));
        assert!(ratio >= 4.5, "white on --{background}: {ratio:.2}:1");
    }
}

#[test]
fn white_text_reads_on_every_tier_card_of_the_default_program() {
    let program = rules::Program::default_program();
    for tier in program.tiers.iter() {
        // The card runs from the tier's colour to it mixed 35% toward black.
        let dark = crate::words::display::mix(&tier.color, false, 35).unwrap();
        for stop in [tier.color.as_str(), dark.as_str()] {
            let ratio = contrast(WHITE, stop);
            assert!(ratio >= 4.5, "white on {} ({stop}): {ratio:.2}:1", tier.id);
        }
    }
}
