#include "stateicondelegate.h"

#include "stateicon.h"

namespace ktx {

StateIconDelegate::StateIconDelegate(int stateRole, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_stateRole(stateRole)
{ }

QSize StateIconDelegate::sizeHint(const QStyleOptionViewItem &option,
                                  const QModelIndex &index) const
{
    // A little air between rows, which are otherwise as tight as the font.
    return QStyledItemDelegate::sizeHint(option, index) + QSize(0, 6);
}

void StateIconDelegate::initStyleOption(QStyleOptionViewItem *option,
                                        const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QVariant state = index.data(m_stateRole);
    if (!state.isValid())
        return;
    option->icon = StateIcon::icon(static_cast<ReadinessState>(state.toInt()), option->palette);
    option->features |= QStyleOptionViewItem::HasDecoration;
    option->decorationSize = QSize(14, 14);
}

} // namespace ktx
