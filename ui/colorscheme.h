#pragma once

#include "status/statusreport.h"

#include <QColor>
#include <QPalette>
#include <QString>

#include <optional>

namespace ktx {

// The application's light and dark palettes (on the Fusion style) and the few
// semantic colours the views need. Without an explicit choice the app keeps the
// platform's style and palette; every colour below is then derived from
// whatever palette is active, so it stays readable either way.
class ColorScheme
{
public:
    enum class Scheme { System, Light, Dark };

    ColorScheme() = delete;

    // "light" | "dark" | "system"; nullopt for anything else.
    static std::optional<Scheme> fromName(const QString &name);
    // Call after QApplication exists. System leaves style and palette alone.
    static void apply(Scheme scheme);

    static QPalette lightPalette();
    static QPalette darkPalette();
    static bool isDark(const QPalette &palette);

    // Foreground colour for a readiness state, with enough contrast on Base.
    static QColor stateColor(ReadinessState state, const QPalette &palette);
    // A quiet tint of the state colour for backgrounds (banners, issue lines).
    static QColor stateTint(ReadinessState state, const QPalette &palette, qreal strength = 0.12);
    // Secondary text: between Text and Base, still AA-readable.
    static QColor secondaryText(const QPalette &palette);
    // Hairlines: card borders and separators.
    static QColor separator(const QPalette &palette);
};

} // namespace ktx
