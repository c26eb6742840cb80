#include "colorscheme.h"

#include "indicatoroutlinestyle.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

namespace ktx {

namespace {

QColor blend(const QColor &a, const QColor &b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

void setDisabled(QPalette &palette, const QColor &text, const QColor &button)
{
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, text);
    palette.setColor(QPalette::Disabled, QPalette::Button, button);
}

} // namespace

std::optional<ColorScheme::Scheme> ColorScheme::fromName(const QString &name)
{
    const QString lower = name.trimmed().toLower();
    if (lower == QLatin1String("light"))
        return Scheme::Light;
    if (lower == QLatin1String("dark"))
        return Scheme::Dark;
    if (lower == QLatin1String("system"))
        return Scheme::System;
    return std::nullopt;
}

void ColorScheme::apply(Scheme scheme)
{
    if (scheme == Scheme::System)
        return;
    // Fusion draws every control from the palette, so one palette themes the app.
    QApplication::setStyle(
        new IndicatorOutlineStyle(QStyleFactory::create(QStringLiteral("Fusion"))));
    QApplication::setPalette(scheme == Scheme::Dark ? darkPalette() : lightPalette());
}

QPalette ColorScheme::lightPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0xf4, 0xf5, 0xf7));
    p.setColor(QPalette::WindowText, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf6, 0xf8, 0xfa));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::ToolTipText, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::PlaceholderText, QColor(0x6e, 0x77, 0x81));
    p.setColor(QPalette::Text, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::Button, QColor(0xf6, 0xf8, 0xfa));
    p.setColor(QPalette::ButtonText, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, Qt::white);
    p.setColor(QPalette::Midlight, QColor(0xe6, 0xe9, 0xed));
    p.setColor(QPalette::Mid, QColor(0xc8, 0xcd, 0xd3));
    p.setColor(QPalette::Dark, QColor(0x9a, 0xa1, 0xa9));
    p.setColor(QPalette::Shadow, QColor(0x57, 0x60, 0x6a));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xde));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x09, 0x69, 0xda));
    p.setColor(QPalette::LinkVisited, QColor(0x82, 0x50, 0xdf));
    setDisabled(p, QColor(0x8c, 0x95, 0x9f), QColor(0xee, 0xf0, 0xf3));
    return p;
}

QPalette ColorScheme::darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x24, 0x27, 0x2c));
    p.setColor(QPalette::WindowText, QColor(0xe3, 0xe6, 0xea));
    p.setColor(QPalette::Base, QColor(0x1a, 0x1c, 0x20));
    p.setColor(QPalette::AlternateBase, QColor(0x22, 0x25, 0x2a));
    p.setColor(QPalette::ToolTipBase, QColor(0x32, 0x36, 0x3c));
    p.setColor(QPalette::ToolTipText, QColor(0xe3, 0xe6, 0xea));
    p.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x94, 0x9e));
    p.setColor(QPalette::Text, QColor(0xe3, 0xe6, 0xea));
    p.setColor(QPalette::Button, QColor(0x32, 0x36, 0x3c));
    p.setColor(QPalette::ButtonText, QColor(0xe3, 0xe6, 0xea));
    p.setColor(QPalette::BrightText, QColor(0xff, 0x7b, 0x72));
    p.setColor(QPalette::Light, QColor(0x45, 0x4a, 0x52));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3f, 0x46));
    p.setColor(QPalette::Mid, QColor(0x3d, 0x42, 0x4a));
    p.setColor(QPalette::Dark, QColor(0x14, 0x16, 0x19));
    p.setColor(QPalette::Shadow, QColor(0x0b, 0x0c, 0x0e));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xde));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x58, 0xa6, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xbc, 0x8c, 0xff));
    setDisabled(p, QColor(0x6e, 0x76, 0x81), QColor(0x2a, 0x2e, 0x33));
    return p;
}

bool ColorScheme::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor ColorScheme::stateColor(ReadinessState state, const QPalette &palette)
{
    const bool dark = isDark(palette);
    switch (state) {
    case ReadinessState::Ok:
        return dark ? QColor(0x3f, 0xb9, 0x50) : QColor(0x1a, 0x7f, 0x37);
    case ReadinessState::Warn:
        return dark ? QColor(0xd2, 0x99, 0x22) : QColor(0x9a, 0x67, 0x00);
    case ReadinessState::Fail:
        return dark ? QColor(0xf8, 0x51, 0x49) : QColor(0xcf, 0x22, 0x2e);
    case ReadinessState::Skipped:
        break;
    }
    return dark ? QColor(0x8b, 0x94, 0x9e) : QColor(0x6e, 0x77, 0x81);
}

QColor ColorScheme::stateTint(ReadinessState state, const QPalette &palette, qreal strength)
{
    return blend(palette.color(QPalette::Base), stateColor(state, palette), strength);
}

QColor ColorScheme::secondaryText(const QPalette &palette)
{
    return blend(palette.color(QPalette::Text), palette.color(QPalette::Base), 0.35);
}

QColor ColorScheme::separator(const QPalette &palette)
{
    return blend(palette.color(QPalette::Base), palette.color(QPalette::Text),
                 isDark(palette) ? 0.16 : 0.13);
}

} // namespace ktx
