#pragma once

#include <QProxyStyle>

namespace ktx {

// Fusion outlines check boxes with the window colour darkened, which on our
// dark palette is the colour of the view behind them: an unchecked box in a
// list (the playground's measure picker) could not be seen. This style draws
// the box as Fusion does and adds an outline that contrasts with the base.
class IndicatorOutlineStyle : public QProxyStyle
{
    Q_OBJECT

public:
    explicit IndicatorOutlineStyle(QStyle *base);

    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                       const QWidget *widget = nullptr) const override;
};

} // namespace ktx
