#include "indicatoroutlinestyle.h"

#include "colorscheme.h"

#include <QPainter>
#include <QStyleOption>

namespace ktx {

IndicatorOutlineStyle::IndicatorOutlineStyle(QStyle *base)
    : QProxyStyle(base)
{ }

void IndicatorOutlineStyle::drawPrimitive(PrimitiveElement element, const QStyleOption *option,
                                          QPainter *painter, const QWidget *widget) const
{
    QProxyStyle::drawPrimitive(element, option, painter, widget);
    if ((element != PE_IndicatorCheckBox && element != PE_IndicatorItemViewItemCheck)
        || !ColorScheme::isDark(option->palette))
        return;
    QColor outline = option->palette.color(QPalette::Text);
    outline.setAlphaF(option->state & State_Enabled ? 0.45 : 0.2);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(outline, 1));
    painter->setBrush(Qt::NoBrush);
    painter->drawRoundedRect(QRectF(option->rect).adjusted(0.5, 0.5, -1.5, -1.5), 2, 2);
    painter->restore();
}

} // namespace ktx
