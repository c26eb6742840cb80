#pragma once

#include <QStyledItemDelegate>

namespace ktx {

// Decorates each item with the StateIcon of an int(ReadinessState) role, so
// Core-only models can carry a state and the view draws it for the current palette.
class StateIconDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    StateIconDelegate(int stateRole, QObject *parent);

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    int m_stateRole;
};

} // namespace ktx
