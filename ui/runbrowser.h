#pragma once

#include <QWidget>

class QComboBox;
class QLineEdit;
class QTableView;

namespace ktx {

class RunListModel;

// The past ingest runs of the project (RunStore), filtered by source, status
// and text. Activating a run (double click or Enter) asks to open it.
class RunBrowser : public QWidget
{
    Q_OBJECT

public:
    explicit RunBrowser(QWidget *parent = nullptr);

    void setProject(const QString &projectDir);
    void reload();
    RunListModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QComboBox *sourceFilter() const { return m_source; }
    QComboBox *statusFilter() const { return m_status; }
    QLineEdit *textFilter() const { return m_text; }
    // Selects the run's row (when listed).
    void selectRun(const QString &runId);

Q_SIGNALS:
    void runActivated(const QString &runId);

private:
    void applyFilter();
    void refillCombo(QComboBox *combo, const QStringList &values, const QString &all);

    QString m_projectDir;
    RunListModel *m_model;
    QComboBox *m_source;
    QComboBox *m_status;
    QLineEdit *m_text;
    QTableView *m_table;
};

} // namespace ktx
