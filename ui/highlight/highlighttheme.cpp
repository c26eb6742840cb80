#include "highlighttheme.h"

#include <QPalette>
#include <QTextCharFormat>

#include <algorithm>
#include <cmath>

namespace ktx {

namespace {

struct Reference
{
    TokenClass token;
    QRgb light;
    QRgb dark;
    bool bold = false;
    bool italic = false;
    bool underline = false;
};

// Light colours follow GitHub's Primer palette, dark ones VS Code's Dark+; both are familiar to
// the people reading ktx files and already pass 4.5:1 on white and on #1e1e1e respectively.
// Tokens that use the palette's own Text colour (emphasis, context lines) are not listed.
constexpr Reference References[] = {
    {TokenClass::Key, 0x0550ae, 0x9cdcfe},
    {TokenClass::String, 0x116329, 0xce9178},
    {TokenClass::Number, 0x953800, 0xb5cea8},
    {TokenClass::Constant, 0x8250df, 0x569cd6},
    {TokenClass::Comment, 0x57606a, 0x6a9955, false, true},
    {TokenClass::Keyword, 0xcf222e, 0xc586c0, true},
    {TokenClass::Function, 0x6639ba, 0xdcdcaa},
    {TokenClass::Operator, 0x9a6700, 0xd4d4d4},
    {TokenClass::Anchor, 0x0a7f87, 0x4ec9b0},
    {TokenClass::Tag, 0x8a4baf, 0xd7ba7d},
    {TokenClass::Heading, 0x0550ae, 0x569cd6, true},
    {TokenClass::Code, 0x953800, 0xce9178},
    {TokenClass::Link, 0x0969da, 0x3794ff, false, false, true},
    {TokenClass::DiffFileHeader, 0x24292f, 0xdcdcdc, true},
    {TokenClass::DiffHunkHeader, 0x8250df, 0xc586c0},
    {TokenClass::DiffAdded, 0x116329, 0x89d185},
    {TokenClass::DiffRemoved, 0xa40e26, 0xf48771},
};

double channelLuminance(double c)
{
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double relativeLuminance(const QColor &color)
{
    const QColor rgb = color.toRgb();
    return 0.2126 * channelLuminance(rgb.redF()) + 0.7152 * channelLuminance(rgb.greenF())
        + 0.0722 * channelLuminance(rgb.blueF());
}

QColor blend(const QColor &base, const QColor &tint, double amount)
{
    const auto mix = [amount](double a, double b) {
        return a + (b - a) * amount;
    };
    return QColor::fromRgbF(mix(base.redF(), tint.redF()), mix(base.greenF(), tint.greenF()),
                            mix(base.blueF(), tint.blueF()));
}

// Walks the colour's lightness away from the background until it reads; keeps the hue so a
// corrected string still looks like a string.
QColor ensureContrast(const QColor &color, const QColor &background)
{
    // A little above the threshold so rounding to 8-bit channels cannot drop us below it.
    constexpr double target = HighlightTheme::MinimumContrast + 0.1;
    if (HighlightTheme::contrastRatio(color, background) >= target)
        return color;
    const bool darken = relativeLuminance(background) > 0.18;
    QColor hsl = color.toHsl();
    for (int step = 0; step < 100; ++step) {
        const double lightness = std::clamp(hsl.lightnessF() + (darken ? -0.02 : 0.02), 0.0, 1.0);
        hsl.setHslF(hsl.hslHueF(), hsl.hslSaturationF(), lightness);
        if (HighlightTheme::contrastRatio(hsl, background) >= target)
            return hsl.toRgb();
    }
    return darken ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace

bool HighlightTheme::isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

double HighlightTheme::contrastRatio(const QColor &a, const QColor &b)
{
    const double la = relativeLuminance(a);
    const double lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

HighlightTheme HighlightTheme::forPalette(const QPalette &palette)
{
    HighlightTheme theme;
    theme.m_dark = isDarkPalette(palette);
    theme.m_base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);

    for (Style &style : theme.m_styles)
        style.foreground = text;
    theme.m_styles[static_cast<int>(TokenClass::Emphasis)].italic = true;
    theme.m_styles[static_cast<int>(TokenClass::Strong)].bold = true;
    for (const Reference &ref : References) {
        Style &style = theme.m_styles[static_cast<int>(ref.token)];
        style.foreground = QColor::fromRgb(theme.m_dark ? ref.dark : ref.light);
        style.bold = ref.bold;
        style.italic = ref.italic;
        style.underline = ref.underline;
    }

    // Tinted from the palette's own Base rather than fixed, so the tint sits well on any
    // background; a stronger mix on dark backgrounds where low-alpha tints disappear.
    const double tintAmount = theme.m_dark ? 0.22 : 0.16;
    theme.m_styles[static_cast<int>(TokenClass::DiffAdded)].background
        = blend(theme.m_base, QColor(0x2da44e), tintAmount);
    theme.m_styles[static_cast<int>(TokenClass::DiffRemoved)].background
        = blend(theme.m_base, QColor(0xcf222e), tintAmount);

    for (Style &style : theme.m_styles) {
        style.foreground = ensureContrast(
            style.foreground, style.background.isValid() ? style.background : theme.m_base);
    }
    return theme;
}

QColor HighlightTheme::foreground(TokenClass token) const
{
    return style(token).foreground;
}

QColor HighlightTheme::background(TokenClass token) const
{
    return style(token).background;
}

QTextCharFormat HighlightTheme::format(TokenClass token) const
{
    const Style &s = style(token);
    QTextCharFormat format;
    format.setForeground(s.foreground);
    if (s.background.isValid())
        format.setBackground(s.background);
    if (s.bold)
        format.setFontWeight(QFont::Bold);
    if (s.italic)
        format.setFontItalic(true);
    if (s.underline)
        format.setFontUnderline(true);
    format.setProperty(TokenClassProperty, static_cast<int>(token));
    return format;
}

} // namespace ktx
