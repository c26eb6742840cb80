#include "stateicon.h"

#include "colorscheme.h"

#include <QPainter>
#include <QPainterPath>
#include <QPalette>

namespace ktx {

QPixmap StateIcon::pixmap(ReadinessState state, const QPalette &palette, int size,
                          qreal devicePixelRatio)
{
    QPixmap pixmap(QSize(size, size) * devicePixelRatio);
    pixmap.setDevicePixelRatio(devicePixelRatio);
    pixmap.fill(Qt::transparent);

    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const qreal s = size;
    painter.setPen(Qt::NoPen);
    painter.setBrush(ColorScheme::stateColor(state, palette));
    painter.drawEllipse(QRectF(0.5, 0.5, s - 1.0, s - 1.0));

    // The glyph takes the Base colour: white on the light palette's dark-ish
    // dots, near-black on the dark palette's bright ones.
    QPen pen(palette.color(QPalette::Base), qMax(1.5, s * 0.13), Qt::SolidLine, Qt::RoundCap,
             Qt::RoundJoin);
    painter.setPen(pen);
    painter.setBrush(Qt::NoBrush);
    switch (state) {
    case ReadinessState::Ok: {
        QPainterPath check;
        check.moveTo(s * 0.29, s * 0.52);
        check.lineTo(s * 0.44, s * 0.67);
        check.lineTo(s * 0.72, s * 0.36);
        painter.drawPath(check);
        break;
    }
    case ReadinessState::Warn:
        painter.drawLine(QPointF(s * 0.5, s * 0.27), QPointF(s * 0.5, s * 0.56));
        painter.drawPoint(QPointF(s * 0.5, s * 0.73));
        break;
    case ReadinessState::Fail:
        painter.drawLine(QPointF(s * 0.34, s * 0.34), QPointF(s * 0.66, s * 0.66));
        painter.drawLine(QPointF(s * 0.66, s * 0.34), QPointF(s * 0.34, s * 0.66));
        break;
    case ReadinessState::Skipped:
        painter.drawLine(QPointF(s * 0.32, s * 0.5), QPointF(s * 0.68, s * 0.5));
        break;
    }
    return pixmap;
}

QIcon StateIcon::icon(ReadinessState state, const QPalette &palette)
{
    QIcon icon;
    for (qreal ratio : {1.0, 2.0}) {
        for (int size : {16, 24})
            icon.addPixmap(pixmap(state, palette, size, ratio));
    }
    return icon;
}

} // namespace ktx
