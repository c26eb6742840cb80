#include "cardlist.h"

#include "cardrow.h"
#include "colorscheme.h"

#include <QAbstractItemModel>
#include <QPainter>
#include <QVBoxLayout>

namespace ktx {

CardList::CardList(RowFactory factory, QWidget *parent)
    : CardFrame(parent)
    , m_factory(std::move(factory))
    , m_layout(new QVBoxLayout(this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(1); // room for the separator hairline
}

void CardList::setModel(QAbstractItemModel *model)
{
    if (m_model == model)
        return;
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (m_model) {
        connect(m_model, &QAbstractItemModel::rowsInserted, this,
                [this](const QModelIndex &parent, int first, int last) {
                    if (!parent.isValid())
                        insertRows(first, last);
                });
        connect(m_model, &QAbstractItemModel::rowsRemoved, this,
                [this](const QModelIndex &parent, int first, int last) {
                    if (!parent.isValid())
                        removeRows(first, last);
                });
        connect(m_model, &QAbstractItemModel::rowsMoved, this,
                [this](const QModelIndex &, int first, int last, const QModelIndex &, int to) {
                    moveRows(first, last, to);
                });
        connect(m_model, &QAbstractItemModel::dataChanged, this,
                [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                    updateRows(topLeft.row(), bottomRight.row());
                });
        connect(m_model, &QAbstractItemModel::modelReset, this, &CardList::rebuild);
        connect(m_model, &QAbstractItemModel::layoutChanged, this, &CardList::rebuild);
    }
    rebuild();
}

void CardList::paintEvent(QPaintEvent *event)
{
    CardFrame::paintEvent(event);
    if (m_rows.size() < 2)
        return;
    QPainter painter(this);
    painter.setPen(ColorScheme::separator(palette()));
    for (qsizetype i = 1; i < m_rows.size(); ++i) {
        const QRect geometry = m_rows.at(i)->geometry();
        if (!m_rows.at(i)->isVisible())
            continue;
        const int y = geometry.top() - 1;
        painter.drawLine(geometry.left() + 12, y, geometry.right() - 12, y);
    }
}

void CardList::insertRows(int first, int last)
{
    for (int row = first; row <= last; ++row) {
        CardRow *widget = m_factory(this);
        m_rows.insert(row, widget);
        m_layout->insertWidget(row, widget);
        widget->updateFromIndex(m_model->index(row, 0));
        // The layout would only show it from a queued call; be visible right away.
        widget->show();
    }
    update();
    Q_EMIT rowsChanged();
}

void CardList::removeRows(int first, int last)
{
    for (int row = last; row >= first; --row) {
        CardRow *widget = m_rows.takeAt(row);
        m_layout->removeWidget(widget);
        delete widget;
    }
    update();
    Q_EMIT rowsChanged();
}

void CardList::moveRows(int first, int last, int destination)
{
    // destination is the row the block is inserted before, in pre-move numbering.
    const int count = last - first + 1;
    const int target = destination > last ? destination - count : destination;
    QList<CardRow *> block = m_rows.mid(first, count);
    m_rows.remove(first, count);
    for (int i = 0; i < count; ++i)
        m_rows.insert(target + i, block.at(i));
    for (CardRow *widget : std::as_const(block))
        m_layout->removeWidget(widget);
    for (int i = 0; i < count; ++i)
        m_layout->insertWidget(target + i, block.at(i));
    update();
    Q_EMIT rowsChanged();
}

void CardList::updateRows(int first, int last)
{
    for (int row = qMax(0, first); row <= last && row < m_rows.size(); ++row)
        m_rows.at(row)->updateFromIndex(m_model->index(row, 0));
    Q_EMIT rowsChanged();
}

void CardList::rebuild()
{
    qDeleteAll(m_rows);
    m_rows.clear();
    const int count = m_model ? m_model->rowCount() : 0;
    if (count > 0)
        insertRows(0, count - 1);
    else
        Q_EMIT rowsChanged();
    update();
}

} // namespace ktx
