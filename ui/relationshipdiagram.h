#pragma once

#include "ingest/connectioncatalog.h"

#include <QGraphicsView>

class QGraphicsScene;

namespace ktx {

// The relationships of one connection's snapshot as a diagram: tables as boxes
// (name and key columns), accepted relationships as solid lines, review ones
// dashed, rejected ones hidden unless asked for. Score, status and validation
// coverage show on hover. Drag pans; Ctrl+wheel and +/- zoom; 0 fits.
//
// Layout is deterministic: tables are layered by dependency (a table sits one
// layer right of every table it references), and within a layer sorted by
// degree, then name; boxes are stacked so they never overlap.
class RelationshipDiagram : public QGraphicsView
{
    Q_OBJECT

public:
    // QGraphicsItem::data() key 0 says what an item is.
    static constexpr int KindKey = 0;
    static constexpr int StatusKey = 1;

    explicit RelationshipDiagram(QWidget *parent = nullptr);

    void setCatalog(const ConnectionCatalog &catalog);
    void setShowRejected(bool show);
    bool showRejected() const { return m_showRejected; }

    int tableItemCount() const;
    int edgeCount(const QString &status) const; // visible edges with this status
    qreal zoomFactor() const;

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void fitAll();

protected:
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void rebuild();
    void zoomBy(qreal factor);

    QGraphicsScene *m_scene;
    ConnectionCatalog m_catalog;
    bool m_showRejected = false;
    // Until the person zooms, the diagram refits whenever the view changes size
    // (it is often laid out while hidden behind its tab).
    bool m_autoFit = true;
};

} // namespace ktx
