#pragma once

#include <QWidget>

namespace ktx {

class RunEventModel;

// Work units on their worker slots over time: one lane per slot, one bar per
// unit from start to finish (to now while it runs), coloured by state. Painted
// from the RunEventModel; model signals only schedule a repaint, so a burst of
// events costs one paint.
class UnitTimeline : public QWidget
{
    Q_OBJECT

public:
    explicit UnitTimeline(QWidget *parent = nullptr);

    void setModel(RunEventModel *model);
    void setSelectedUnit(const QString &unitKey);
    // Live: running bars grow to now. Otherwise (a file) the axis ends at the last event.
    void setLive(bool live);
    // The unit under a point, or empty.
    QString unitAt(const QPoint &pos) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void unitClicked(const QString &unitKey);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    struct Geometry
    {
        qint64 startMs = 0;
        qint64 endMs = 0;
        int lanes = 0;
        QRectF plot;
        double laneHeight = 0;
    };
    Geometry geometry() const;
    QRectF barRect(const Geometry &g, int row) const;

    RunEventModel *m_model = nullptr;
    QString m_selected;
    bool m_live = false;
};

} // namespace ktx
