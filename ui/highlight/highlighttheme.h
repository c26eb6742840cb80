#pragma once

#include "tokenclass.h"

#include <QColor>
#include <QTextFormat>

#include <array>

QT_BEGIN_NAMESPACE
class QPalette;
QT_END_NAMESPACE

namespace ktx {

// Colours and font styles for every TokenClass, built for one palette. A light and a dark
// variant are hand-picked; forPalette() then nudges any colour that would fall below WCAG AA
// contrast (4.5:1) against the palette's actual Base, so unusual palettes stay readable.
class HighlightTheme
{
public:
    // Set on every format the built-in engine applies, holding the TokenClass as an int, so code
    // that only sees a QTextLayout (tooltips, tests) can tell what a range is.
    static constexpr int TokenClassProperty = QTextFormat::UserProperty + 0x4b54;
    static constexpr double MinimumContrast = 4.5;

    static HighlightTheme forPalette(const QPalette &palette);
    static bool isDarkPalette(const QPalette &palette);
    // WCAG 2 contrast ratio, 1.0 (same luminance) to 21.0 (black on white).
    static double contrastRatio(const QColor &a, const QColor &b);

    bool isDark() const { return m_dark; }
    QColor base() const { return m_base; }
    QColor foreground(TokenClass token) const;
    // Invalid when the token is drawn straight on base().
    QColor background(TokenClass token) const;
    QTextCharFormat format(TokenClass token) const;

private:
    struct Style
    {
        QColor foreground;
        QColor background;
        bool bold = false;
        bool italic = false;
        bool underline = false;
    };

    HighlightTheme() = default;
    const Style &style(TokenClass token) const { return m_styles[static_cast<int>(token)]; }

    bool m_dark = false;
    QColor m_base;
    std::array<Style, TokenClassCount> m_styles;
};

} // namespace ktx
