#pragma once

#include "cardframe.h"

#include <QList>
#include <QPointer>

#include <functional>

class QAbstractItemModel;
class QModelIndex;
class QVBoxLayout;

namespace ktx {

class CardRow;

// A card holding one CardRow widget per row of a list model, separated by
// hairlines. It follows the model's fine-grained signals (insert, remove, move,
// dataChanged), so a row widget keeps its identity, focus and hover state when
// the model updates; only a model reset rebuilds every row.
class CardList : public CardFrame
{
    Q_OBJECT

public:
    using RowFactory = std::function<CardRow *(QWidget *parent)>;

    explicit CardList(RowFactory factory, QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model);
    QAbstractItemModel *model() const { return m_model; }

    int count() const { return int(m_rows.size()); }
    CardRow *rowAt(int row) const { return m_rows.value(row); }

Q_SIGNALS:
    void rowsChanged(); // after rows were added, removed, moved or updated

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void insertRows(int first, int last);
    void removeRows(int first, int last);
    void moveRows(int first, int last, int destination);
    void updateRows(int first, int last);
    void rebuild();

    RowFactory m_factory;
    QPointer<QAbstractItemModel> m_model;
    QVBoxLayout *m_layout = nullptr;
    QList<CardRow *> m_rows;
};

} // namespace ktx
