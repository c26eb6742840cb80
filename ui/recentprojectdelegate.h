#pragma once

#include <QStyledItemDelegate>

namespace ktx {

// Two lines per recent project: the folder name, and its path in secondary text.
class RecentProjectDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace ktx
