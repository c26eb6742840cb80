#pragma once

#include <QWizardPage>

class QLabel;
class QProgressBar;

namespace ktx {

class ProjectCreationTask;

// Last page: says what Finish will do (or what was already done), then does it
// off the GUI thread with a progress indicator. On error the message stays on
// the page and the wizard stays open; on success the wizard closes.
class SummaryPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit SummaryPage(QWidget *parent = nullptr);

    void initializePage() override;
    bool validatePage() override;
    bool isComplete() const override;
    int nextId() const override { return -1; }

    bool isBusy() const;
    QString resultDir() const { return m_resultDir; }
    QString errorText() const;

Q_SIGNALS:
    void busyChanged(bool busy);

protected:
    void changeEvent(QEvent *event) override;

private:
    void onCreationFinished(const QString &dir, const QString &errorText);
    void setBusy(bool busy);
    void showError(const QString &heading, const QString &text);

    ProjectCreationTask *m_task;
    QLabel *m_summary = nullptr;
    QWidget *m_progressRow = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_progressLabel = nullptr;
    QWidget *m_errorRow = nullptr;
    QLabel *m_errorIcon = nullptr;
    QLabel *m_error = nullptr;
    QString m_resultDir;
    QString m_errorText;
    bool m_done = false;
};

} // namespace ktx
