#include "relationshipdiagram.h"

#include "colorscheme.h"

#include <QCoreApplication>
#include <QEvent>
#include <QFontMetrics>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QHash>
#include <QKeyEvent>
#include <QLocale>
#include <QPainter>
#include <QSet>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace ktx {

namespace {

constexpr qreal BoxPadding = 8;
constexpr qreal LayerGap = 90;
constexpr qreal RowGap = 26;
constexpr qreal MinZoom = 0.05;
constexpr qreal MaxZoom = 4.0;
constexpr qreal ZoomStep = 1.2;
constexpr int MaxKeyLines = 6;

QString tableKey(const TableRef &ref)
{
    return ref.catalog + QLatin1Char('\x1f') + ref.db + QLatin1Char('\x1f') + ref.name;
}

// A rounded box with a header (the table name) and the key columns below it.
class TableBoxItem : public QGraphicsItem
{
public:
    TableBoxItem(const SchemaTable &table, const QStringList &keyLines, const QFont &font,
                 const QPalette &palette)
        : m_title(table.ref.displayName())
        , m_lines(keyLines)
        , m_font(font)
        , m_palette(palette)
    {
        m_bold = font;
        m_bold.setBold(true);
        const QFontMetricsF bold(m_bold);
        const QFontMetricsF plain(m_font);
        qreal width = bold.horizontalAdvance(m_title);
        for (const QString &line : m_lines)
            width = std::max(width, plain.horizontalAdvance(line));
        m_lineHeight = plain.height();
        m_headerHeight = bold.height() + BoxPadding;
        m_size = QSizeF(std::max<qreal>(width + 2 * BoxPadding, 120),
                        m_headerHeight + m_lines.size() * m_lineHeight
                            + (m_lines.isEmpty() ? 0 : BoxPadding));
        setToolTip(table.comment.isEmpty() ? m_title : m_title + QLatin1Char('\n') + table.comment);
        setZValue(1);
    }

    QRectF boundingRect() const override
    {
        return QRectF(QPointF(0, 0), m_size).adjusted(-1, -1, 1, 1);
    }

    void paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *) override
    {
        const QRectF box(QPointF(0, 0), m_size);
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(QPen(ColorScheme::separator(m_palette), 1));
        painter->setBrush(m_palette.color(QPalette::Base));
        painter->drawRoundedRect(box, 5, 5);
        // Header band in a quiet tint of the highlight colour.
        QColor header = m_palette.color(QPalette::Highlight);
        header.setAlphaF(ColorScheme::isDark(m_palette) ? 0.35 : 0.14);
        QPainterPath band;
        band.addRoundedRect(box, 5, 5);
        QPainterPath clip;
        clip.addRect(QRectF(0, 0, m_size.width(), m_headerHeight));
        painter->fillPath(band.intersected(clip), header);
        painter->setPen(m_palette.color(QPalette::Text));
        painter->setFont(m_bold);
        painter->drawText(QRectF(BoxPadding, 0, m_size.width() - 2 * BoxPadding, m_headerHeight),
                          Qt::AlignVCenter | Qt::AlignLeft, m_title);
        painter->setFont(m_font);
        painter->setPen(ColorScheme::secondaryText(m_palette));
        qreal y = m_headerHeight + BoxPadding / 2;
        for (const QString &line : m_lines) {
            painter->drawText(QRectF(BoxPadding, y, m_size.width() - 2 * BoxPadding, m_lineHeight),
                              Qt::AlignVCenter | Qt::AlignLeft, line);
            y += m_lineHeight;
        }
    }

    QSizeF size() const { return m_size; }

private:
    QString m_title;
    QStringList m_lines;
    QFont m_font;
    QFont m_bold;
    QPalette m_palette;
    QSizeF m_size;
    qreal m_lineHeight = 0;
    qreal m_headerHeight = 0;
};

QString relationshipTooltip(const CatalogRelationship &r)
{
    const QLocale locale;
    QString text = QCoreApplication::translate("ktx::RelationshipDiagram", "%1 (%2) → %3 (%4)")
                       .arg(r.fromTable.displayName(), r.fromColumns.join(QStringLiteral(", ")),
                            r.toTable.displayName(), r.toColumns.join(QStringLiteral(", ")));
    text += QLatin1Char('\n')
        + QCoreApplication::translate("ktx::RelationshipDiagram", "Status: %1 · %2")
              .arg(r.status,
                   r.origin == QLatin1String("formal")
                       ? QCoreApplication::translate("ktx::RelationshipDiagram", "declared")
                       : QCoreApplication::translate("ktx::RelationshipDiagram", "inferred"));
    text += QLatin1Char('\n')
        + QCoreApplication::translate("ktx::RelationshipDiagram", "Score: %1 · confidence %2")
              .arg(locale.toString(r.score, 'f', 2), locale.toString(r.confidence, 'f', 2));
    if (r.coverage)
        text += QLatin1Char('\n')
            + QCoreApplication::translate("ktx::RelationshipDiagram",
                                          "Validation: %1% coverage, %2 violations")
                  .arg(locale.toString(*r.coverage * 100.0, 'f', 1),
                       locale.toString(r.violations.value_or(0)));
    else
        text += QLatin1Char('\n')
            + QCoreApplication::translate("ktx::RelationshipDiagram", "Validation: not run");
    if (!r.kind.isEmpty())
        text += QLatin1Char('\n') + r.kind;
    return text;
}

} // namespace

RelationshipDiagram::RelationshipDiagram(QWidget *parent)
    : QGraphicsView(parent)
    , m_scene(new QGraphicsScene(this))
{
    setObjectName(QStringLiteral("relationshipDiagram"));
    setAccessibleName(tr("Relationship diagram"));
    setScene(m_scene);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setRenderHint(QPainter::Antialiasing);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setFocusPolicy(Qt::StrongFocus);
    setBackgroundRole(QPalette::Window);
}

void RelationshipDiagram::setCatalog(const ConnectionCatalog &catalog)
{
    m_catalog = catalog;
    rebuild();
    m_autoFit = true;
    fitAll();
}

void RelationshipDiagram::setShowRejected(bool show)
{
    if (show == m_showRejected)
        return;
    m_showRejected = show;
    rebuild();
}

int RelationshipDiagram::tableItemCount() const
{
    int count = 0;
    for (const QGraphicsItem *item : m_scene->items()) {
        if (item->data(KindKey).toString() == QLatin1String("table"))
            ++count;
    }
    return count;
}

int RelationshipDiagram::edgeCount(const QString &status) const
{
    int count = 0;
    for (const QGraphicsItem *item : m_scene->items()) {
        if (item->data(KindKey).toString() == QLatin1String("edge")
            && item->data(StatusKey).toString() == status && item->isVisible())
            ++count;
    }
    return count;
}

qreal RelationshipDiagram::zoomFactor() const
{
    return transform().m11();
}

void RelationshipDiagram::zoomIn()
{
    zoomBy(ZoomStep);
}

void RelationshipDiagram::zoomOut()
{
    zoomBy(1.0 / ZoomStep);
}

void RelationshipDiagram::fitAll()
{
    m_autoFit = true;
    if (m_scene->items().isEmpty() || viewport()->width() < 50 || viewport()->height() < 50)
        return;
    fitInView(m_scene->itemsBoundingRect().adjusted(-20, -20, 20, 20), Qt::KeepAspectRatio);
    // Fitting a small diagram would blow it up; never enlarge past 100%.
    if (zoomFactor() > 1.0)
        setTransform(QTransform());
}

void RelationshipDiagram::zoomBy(qreal factor)
{
    m_autoFit = false;
    const qreal target = std::clamp(zoomFactor() * factor, MinZoom, MaxZoom);
    const qreal applied = target / zoomFactor();
    scale(applied, applied);
}

void RelationshipDiagram::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const int delta = event->angleDelta().y();
        if (delta != 0)
            zoomBy(std::pow(ZoomStep, delta / 120.0));
        event->accept();
        return;
    }
    QGraphicsView::wheelEvent(event);
}

void RelationshipDiagram::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    case Qt::Key_0:
        fitAll();
        return;
    default:
        QGraphicsView::keyPressEvent(event);
    }
}

void RelationshipDiagram::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    if (m_autoFit)
        fitAll();
}

void RelationshipDiagram::showEvent(QShowEvent *event)
{
    QGraphicsView::showEvent(event);
    if (m_autoFit)
        fitAll();
}

void RelationshipDiagram::changeEvent(QEvent *event)
{
    QGraphicsView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        rebuild();
}

void RelationshipDiagram::rebuild()
{
    m_scene->clear();
    const QList<SchemaTable> &tables = m_catalog.tables;
    if (tables.isEmpty())
        return;

    QHash<QString, int> indexOf;
    for (int i = 0; i < tables.size(); ++i)
        indexOf.insert(tableKey(tables.at(i).ref), i);

    // Edges to draw, and the tables each table references (for layering).
    QList<const CatalogRelationship *> edges;
    QList<QSet<int>> references(tables.size());
    QList<int> degree(tables.size(), 0);
    for (const CatalogRelationship &r : m_catalog.relationships) {
        const bool rejected = r.status == QLatin1String("rejected");
        if (rejected && !m_showRejected)
            continue;
        const int from = indexOf.value(tableKey(r.fromTable), -1);
        const int to = indexOf.value(tableKey(r.toTable), -1);
        if (from < 0 || to < 0)
            continue;
        edges << &r;
        if (!rejected && from != to) {
            references[from].insert(to);
            ++degree[from];
            ++degree[to];
        }
    }

    // Longest path to a table that references nothing; bounded by the table
    // count so a cycle cannot loop forever.
    QList<int> layer(tables.size(), 0);
    for (int pass = 0; pass < tables.size(); ++pass) {
        bool changed = false;
        for (int i = 0; i < tables.size(); ++i) {
            for (int target : std::as_const(references[i])) {
                if (layer[i] < layer[target] + 1 && layer[target] + 1 < tables.size()) {
                    layer[i] = layer[target] + 1;
                    changed = true;
                }
            }
        }
        if (!changed)
            break;
    }
    const int layers = *std::max_element(layer.cbegin(), layer.cend()) + 1;
    QList<QList<int>> byLayer(layers);
    for (int i = 0; i < tables.size(); ++i)
        byLayer[layer[i]] << i;
    for (QList<int> &members : byLayer) {
        std::sort(members.begin(), members.end(), [&](int a, int b) {
            if (degree[a] != degree[b])
                return degree[a] > degree[b];
            return tables.at(a).ref.displayName() < tables.at(b).ref.displayName();
        });
    }

    // Key lines: the primary key, then the columns that take part in an edge.
    QList<QStringList> keyLines(tables.size());
    for (int i = 0; i < tables.size(); ++i) {
        for (const QString &pk : tables.at(i).primaryKey())
            keyLines[i] << tr("%1  PK").arg(pk);
    }
    for (const CatalogRelationship *r : std::as_const(edges)) {
        const int from = indexOf.value(tableKey(r->fromTable));
        for (const QString &column : r->fromColumns) {
            const QString line = tr("%1  FK").arg(column);
            if (!keyLines[from].contains(line)
                && !keyLines[from].contains(tr("%1  PK").arg(column)))
                keyLines[from] << line;
        }
    }
    for (QStringList &lines : keyLines) {
        if (lines.size() > MaxKeyLines) {
            const int more = int(lines.size()) - (MaxKeyLines - 1);
            lines = lines.mid(0, MaxKeyLines - 1);
            lines << tr("+%1 more").arg(more);
        }
    }

    const QPalette pal = palette();
    QList<TableBoxItem *> boxes(tables.size(), nullptr);
    qreal x = 0;
    for (const QList<int> &members : std::as_const(byLayer)) {
        qreal y = 0;
        qreal width = 0;
        for (int i : members) {
            auto *box = new TableBoxItem(tables.at(i), keyLines.at(i), font(), pal);
            box->setData(KindKey, QStringLiteral("table"));
            box->setData(StatusKey, tables.at(i).ref.displayName());
            box->setPos(x, y);
            m_scene->addItem(box);
            boxes[i] = box;
            y += box->size().height() + RowGap;
            width = std::max(width, box->size().width());
        }
        x += width + LayerGap;
    }

    const QColor accepted = ColorScheme::stateColor(ReadinessState::Ok, pal);
    const QColor review = ColorScheme::stateColor(ReadinessState::Warn, pal);
    const QColor rejected = ColorScheme::secondaryText(pal);
    for (const CatalogRelationship *r : std::as_const(edges)) {
        TableBoxItem *from = boxes[indexOf.value(tableKey(r->fromTable))];
        TableBoxItem *to = boxes[indexOf.value(tableKey(r->toTable))];
        const QRectF a = from->sceneBoundingRect().adjusted(1, 1, -1, -1);
        const QRectF b = to->sceneBoundingRect().adjusted(1, 1, -1, -1);
        QPainterPath path;
        if (from == to) {
            // A self-reference: a small loop on the right side.
            const QPointF start(a.right(), a.top() + 14);
            path.moveTo(start);
            path.cubicTo(start + QPointF(40, -20), start + QPointF(40, 30), start + QPointF(0, 16));
        } else {
            const bool leftToRight = a.center().x() > b.center().x() + 1;
            const bool sameLayer = std::abs(a.center().x() - b.center().x()) < 1;
            QPointF start, end;
            qreal bend = LayerGap / 2;
            if (sameLayer) {
                start = QPointF(a.right(), a.center().y());
                end = QPointF(b.right(), b.center().y());
                path.moveTo(start);
                path.cubicTo(start + QPointF(bend, 0), end + QPointF(bend, 0), end);
            } else {
                start = leftToRight ? QPointF(a.left(), a.center().y())
                                    : QPointF(a.right(), a.center().y());
                end = leftToRight ? QPointF(b.right(), b.center().y())
                                  : QPointF(b.left(), b.center().y());
                const qreal dir = leftToRight ? -1 : 1;
                path.moveTo(start);
                path.cubicTo(start + QPointF(dir * bend, 0), end - QPointF(dir * bend, 0), end);
            }
            // Arrow head at the referenced table.
            const QPointF tip = end;
            const qreal degrees = path.angleAtPercent(1);
            QTransform rotation;
            rotation.rotate(-degrees);
            const QPointF back1 = rotation.map(QPointF(-8, -4));
            const QPointF back2 = rotation.map(QPointF(-8, 4));
            path.moveTo(tip + back1);
            path.lineTo(tip);
            path.lineTo(tip + back2);
        }
        auto *edge = new QGraphicsPathItem(path);
        QPen pen;
        pen.setWidthF(r->status == QLatin1String("accepted") ? 1.8 : 1.4);
        pen.setCosmetic(true);
        if (r->status == QLatin1String("accepted")) {
            pen.setColor(accepted);
        } else if (r->status == QLatin1String("review")) {
            pen.setColor(review);
            pen.setStyle(Qt::DashLine);
        } else {
            pen.setColor(rejected);
            pen.setStyle(Qt::DotLine);
        }
        edge->setPen(pen);
        edge->setToolTip(relationshipTooltip(*r));
        edge->setData(KindKey, QStringLiteral("edge"));
        edge->setData(StatusKey, r->status);
        edge->setAcceptHoverEvents(true);
        m_scene->addItem(edge);
    }
    m_scene->setSceneRect(m_scene->itemsBoundingRect().adjusted(-40, -40, 40, 40));
}

} // namespace ktx
