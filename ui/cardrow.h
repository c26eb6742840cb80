#pragma once

#include <QWidget>

class QModelIndex;

namespace ktx {

// One row of a CardList: a widget that shows one model row and refreshes itself
// from the row's roles whenever the model reports a change.
class CardRow : public QWidget
{
    Q_OBJECT

public:
    using QWidget::QWidget;

    virtual void updateFromIndex(const QModelIndex &index) = 0;
};

} // namespace ktx
