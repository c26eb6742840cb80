#pragma once

#include <QWidget>

namespace ktx {

// A rounded panel in the palette's Base colour with a hairline border: the
// surface the dashboard's sections sit on. Painted from the current palette, so
// it follows light/dark switches without restyling.
class CardFrame : public QWidget
{
    Q_OBJECT

public:
    explicit CardFrame(QWidget *parent = nullptr);

protected:
    void paintEvent(QPaintEvent *event) override;

    static constexpr qreal Radius = 6.0;
};

} // namespace ktx
