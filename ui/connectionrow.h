#pragma once

#include "cardrow.h"

class QLabel;

namespace ktx {

// One connection on the dashboard: state icon, id, driver, detail and fix.
class ConnectionRow : public CardRow
{
    Q_OBJECT

public:
    explicit ConnectionRow(QWidget *parent = nullptr);

    void updateFromIndex(const QModelIndex &index) override;
    QString name() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateIcon();
    void updateColors();

    int m_state = 0;
    QLabel *m_icon = nullptr;
    QLabel *m_name = nullptr;
    QLabel *m_driver = nullptr;
    QLabel *m_detail = nullptr;
    QLabel *m_fix = nullptr;
};

} // namespace ktx
