#pragma once

#include "status/statusreport.h"

#include <QPointer>
#include <QWidget>

class QLabel;

namespace ktx {

class StatusModel;

// The dashboard's headline: ready / partially ready / blocked, why, and the next
// actions. Reads StatusModel's report-level properties and follows their NOTIFY
// signals.
class VerdictBanner : public QWidget
{
    Q_OBJECT

public:
    explicit VerdictBanner(QWidget *parent = nullptr);

    void setModel(StatusModel *model);
    QString title() const;
    QString reason() const;

    // The runtime's reason starts by repeating the verdict ("Partially ready —
    // LLM ready: no; …"); under a title that says it already, only the rest.
    static QString reasonWithoutVerdict(const QString &reason);

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void refresh();
    ReadinessState tone() const;

    QPointer<StatusModel> m_model;
    QLabel *m_icon = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_reason = nullptr;
    QLabel *m_actionsTitle = nullptr;
    QLabel *m_actions = nullptr;
};

} // namespace ktx
