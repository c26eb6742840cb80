#pragma once

#include "cardrow.h"

#include <QStringList>

class QLabel;
class QPushButton;

namespace ktx {

class ElidedLabel;

// One readiness line on the dashboard: state icon, label, value, why (detail)
// and what to do next (remediation), plus a button into the setup wizard when
// a wizard page exists for the line's setup step.
class ReadinessRow : public CardRow
{
    Q_OBJECT

public:
    explicit ReadinessRow(QWidget *parent = nullptr);

    void updateFromIndex(const QModelIndex &index) override;
    void setAvailableSetupSteps(const QStringList &steps);
    // A line that is fine offers its wizard page only when asked (one row per
    // step), so two rows for the same step do not both show a button.
    void setOfferSetupWhenOk(bool offer);
    QString setupStep() const { return m_setupStep; }
    bool needsFix() const; // warn or fail
    // Aligns values across rows: the dashboard passes the widest label.
    void setLabelColumnWidth(int width);
    int labelWidthHint() const;

    QString lineId() const { return m_id; }
    QString labelText() const;
    QString valueText() const;

Q_SIGNALS:
    void setupRequested(const QString &step);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateIcon();
    void updateColors();
    void updateButton();

    QString m_id;
    QString m_setupStep;
    int m_state = 0;
    QStringList m_availableSteps;
    bool m_offerWhenOk = false;
    QLabel *m_icon = nullptr;
    QLabel *m_label = nullptr;
    ElidedLabel *m_value = nullptr;
    QLabel *m_detail = nullptr;
    QLabel *m_remediation = nullptr;
    QPushButton *m_setupButton = nullptr;
};

} // namespace ktx
