#pragma once

#include "sources/contextsource.h"

#include <QList>
#include <QStringList>
#include <QWizardPage>

#include <optional>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace ktx {

// Setup step "sources" (optional): the context sources ktx reads beside the
// warehouse (dbt, MetricFlow, LookML). The person adds sources to a list and, for
// each, chooses the type, a local folder or a git URL, the warehouse connection
// it describes and its connection id. "Check" parses a local folder with the
// type's ContextSourceParser on the thread pool and shows what it found (counts,
// files read, skipped items, per-file errors with file:line) before anything is
// ingested. Next writes the list into ktx.yaml (connections.<id>, comments kept)
// on the pool, as the model page does; with nothing changed it just moves on.
class ContextSourcesPage : public QWizardPage
{
    Q_OBJECT

public:
    // One configured source as the page edits it.
    struct Entry
    {
        QString id;
        QString savedId; // the id in ktx.yaml; empty for a source added on this page
        QString savedDriver;
        QString driver = QStringLiteral("dbt");
        bool git = false;
        QString folder; // as typed or as written (may be relative to the project)
        QString gitUrl;
        QString branch;
        QString subPath; // `path` in ktx.yaml: the project inside the folder or repository
        QString warehouse; // the warehouse connection id it maps to
        bool edited = false;
        std::optional<ContextSourceReport> report; // the last Check of this location
    };

    explicit ContextSourcesPage(QWidget *parent = nullptr);

    // The connection key that names the warehouse a context source maps to.
    static QString warehouseKey();

    QList<Entry> entries() const { return m_entries; }
    int currentIndex() const { return m_current; }
    bool isLoading() const { return m_loading; }
    bool isChecking() const { return m_checking; }
    bool isSaving() const { return m_saving; }
    bool hasUnsavedChanges() const;
    // The problem that keeps the selected source from being saved; empty when none.
    QString currentProblem() const;

    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;
    int nextId() const override;

public Q_SLOTS:
    void addSource();
    void removeSource();
    void check();
    void cancelCheck();
    void save();

Q_SIGNALS:
    void loaded();
    void checkFinished(bool ok);
    void saved();
    void saveFailed(const QString &message);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    enum class Tone { None, Ok, Warn, Error, Busy };

    QString projectDir() const;
    QString idProblemOf(int index) const;
    QString problemOf(int index) const;
    QString suggestedId(const QString &driver, int except) const;
    QString absoluteFolder(const QString &folder) const;
    void chooseFolder();
    void selectEntry(int index);
    void populateForm();
    void onFormEdited();
    void refreshListItem(int index);
    void updateControls();
    void showReport(const std::optional<ContextSourceReport> &report);
    void showResult(Tone tone, const QString &text);
    void openIssue(QTreeWidgetItem *item);
    void copyIssues();
    void updateColors();

    QListWidget *m_list = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_remove = nullptr;
    QWidget *m_editor = nullptr;
    QFormLayout *m_form = nullptr;
    QComboBox *m_driver = nullptr;
    QRadioButton *m_localMode = nullptr;
    QRadioButton *m_gitMode = nullptr;
    QWidget *m_folderRow = nullptr;
    QLineEdit *m_folder = nullptr;
    QLineEdit *m_gitUrl = nullptr;
    QLineEdit *m_branch = nullptr;
    QComboBox *m_warehouse = nullptr;
    QLineEdit *m_id = nullptr;
    QLabel *m_idMessage = nullptr;
    QPushButton *m_check = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_resultIcon = nullptr;
    QLabel *m_result = nullptr;
    QLabel *m_summary = nullptr;
    QTreeWidget *m_issues = nullptr;

    QList<Entry> m_entries;
    QStringList m_removed; // ids in ktx.yaml the person removed on this page
    QStringList m_warehouses; // warehouse connection ids in ktx.yaml
    QStringList m_otherIds; // ids of every connection that is not one of m_entries
    int m_current = -1;
    Tone m_tone = Tone::None;
    bool m_populating = false;
    bool m_loading = false;
    bool m_checking = false;
    bool m_saving = false;
    bool m_advanceAfterSave = false;
    int m_checkedEntry = -1;
    // Bumped by every check, edit and cancel: an answer about older input is dropped.
    quint64 m_checkGeneration = 0;
    quint64 m_loadGeneration = 0;
};

} // namespace ktx
