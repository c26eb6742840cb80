#pragma once

#include "project/setupprogress.h"

#include <QStringList>
#include <QWizard>

namespace ktx {

class AgentsPage;
class ContextSourcesPage;
class DatabasesPage;
class LlmPage;
class ProjectLocationPage;
class SetupProgressWriter;
class SummaryPage;

// The guided setup. Pages are registered under PageId; each page's nextId()
// names the page after it. Progress (current page and field values) is saved
// to the project's .ktx/setup/ on every page change once the project exists, so
// closing and reopening the wizard resumes where it stopped.
//
// Adding a page (embeddings, sources, ...):
//  1. add its id below, before Page_Summary, and its setup step in stepForPage();
//  2. write the page class: fields named in setupfield.h (add the persisted
//     ones to SetupField::persisted()), nextId() returning the following page;
//  3. setPage() it in the constructor and point the previous page's nextId() at
//     it. The dashboard then offers "Fix…" for that step by itself.
class SetupWizard : public QWizard
{
    Q_OBJECT

public:
    enum PageId { Page_Project, Page_Llm, Page_Databases, Page_Sources, Page_Agents, Page_Summary };
    Q_ENUM(PageId)

    // projectDir: the project to resume or change (may be empty for a new one).
    // startStep: open at this step's page; empty resumes the saved page.
    explicit SetupWizard(const QString &projectDir, const QString &startStep = {},
                         QWidget *parent = nullptr);
    ~SetupWizard() override;

    static QString
    stepForPage(int id); // "project", "llm", "databases", "sources", "agents", "summary"; or empty
    static int pageForStep(const QString &step); // -1 when no page exists for the step
    // Setup steps that have a page, e.g. for the dashboard's "Fix…" buttons.
    static QStringList availableSteps();

    // The project the wizard created or opened; set once it was accepted.
    QString resultDir() const { return m_resultDir; }
    bool isBusy() const;

    // Records a finished setup step (e.g. "databases" once a connection was
    // added) in the project's setup progress.
    void markStepCompleted(const QString &step);

    // The model and databases pages are offered only for a project that exists:
    // a new project is created on the summary page, and those steps follow.
    int nextId() const override;

Q_SIGNALS:
    void projectReady(const QString &dir);

public Q_SLOTS:
    void reject() override;

private:
    void restoreFields(const QString &projectDir);
    void goToPage(int id);
    void saveProgress();
    void recordCompletion();
    QString progressDir() const;

    ProjectLocationPage *m_projectPage;
    LlmPage *m_llmPage;
    DatabasesPage *m_databasesPage;
    ContextSourcesPage *m_sourcesPage;
    AgentsPage *m_agentsPage;
    SummaryPage *m_summaryPage;
    SetupProgressWriter *m_writer;
    SetupProgress m_progress;
    QString m_progressDir; // where m_progress was loaded from
    QString m_resultDir;
};

} // namespace ktx
