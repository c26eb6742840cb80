#include "setupwizard.h"

#include "agentspage.h"
#include "contextsourcespage.h"
#include "databasespage.h"
#include "llmpage.h"
#include "project/projectfolderstate.h"
#include "projectlocationpage.h"
#include "setupfield.h"
#include "setupprogresswriter.h"
#include "summarypage.h"

#include <QJsonValue>

namespace ktx {

namespace {

struct PageStep
{
    SetupWizard::PageId id;
    const char *step;
};

// Page ids and the setup step each page stands for, in wizard order.
// clang-format off
constexpr PageStep pageSteps[] = {
    {SetupWizard::Page_Project, "project"},
    {SetupWizard::Page_Llm, "llm"},
    {SetupWizard::Page_Databases, "databases"},
    {SetupWizard::Page_Sources, "sources"},
    {SetupWizard::Page_Agents, "agents"},
    {SetupWizard::Page_Summary, "summary"},
};
// clang-format on

} // namespace

SetupWizard::SetupWizard(const QString &projectDir, const QString &startStep, QWidget *parent)
    : QWizard(parent)
    , m_projectPage(new ProjectLocationPage)
    , m_llmPage(new LlmPage)
    , m_databasesPage(new DatabasesPage)
    , m_sourcesPage(new ContextSourcesPage)
    , m_agentsPage(new AgentsPage)
    , m_summaryPage(new SummaryPage)
    , m_writer(new SetupProgressWriter(this))
{
    setObjectName(QStringLiteral("setupWizard"));
    setWindowTitle(tr("Set Up ktx"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    setMinimumSize(720, 540);

    setPage(Page_Project, m_projectPage);
    setPage(Page_Llm, m_llmPage);
    setPage(Page_Databases, m_databasesPage);
    setPage(Page_Sources, m_sourcesPage);
    setPage(Page_Agents, m_agentsPage);
    setPage(Page_Summary, m_summaryPage);
    setStartId(Page_Project);

    restoreFields(projectDir);

    int target = pageForStep(startStep);
    if (target < 0)
        target = pageForStep(m_progress.currentPage);
    restart();
    if (target >= 0)
        goToPage(target);

    connect(this, &QWizard::currentIdChanged, this, &SetupWizard::saveProgress);
    connect(this, &QDialog::accepted, this, &SetupWizard::recordCompletion);
}

SetupWizard::~SetupWizard() = default;

QString SetupWizard::stepForPage(int id)
{
    for (const PageStep &entry : pageSteps) {
        if (entry.id == id)
            return QLatin1String(entry.step);
    }
    return {};
}

int SetupWizard::pageForStep(const QString &step)
{
    if (step.isEmpty())
        return -1;
    for (const PageStep &entry : pageSteps) {
        if (step == QLatin1String(entry.step))
            return entry.id;
    }
    return -1;
}

QStringList SetupWizard::availableSteps()
{
    QStringList steps;
    for (const PageStep &entry : pageSteps) {
        if (entry.id != Page_Summary)
            steps.append(QLatin1String(entry.step));
    }
    return steps;
}

bool SetupWizard::isBusy() const
{
    return m_summaryPage->isBusy() || m_llmPage->isSaving() || m_databasesPage->isSaving()
        || m_sourcesPage->isSaving() || m_agentsPage->isBusy();
}

void SetupWizard::markStepCompleted(const QString &step)
{
    const QString dir = progressDir();
    if (dir.isEmpty())
        return;
    if (dir != m_progressDir) {
        m_progress = SetupProgress::load(dir);
        m_progressDir = dir;
    }
    m_progress.markCompleted(step);
    m_writer->save(dir, m_progress);
}

int SetupWizard::nextId() const
{
    if (currentId() == Page_Project) {
        const ProjectFolderState folder
            = ProjectFolderState::inspect(field(SetupField::ProjectDir).toString());
        return folder.hasConfig ? Page_Llm : Page_Summary;
    }
    // The databases page predates the later pages and still names the summary.
    if (currentId() == Page_Databases)
        return Page_Sources;
    return QWizard::nextId();
}

void SetupWizard::reject()
{
    // A project half-way through creation must not be abandoned; it takes seconds.
    if (isBusy())
        return;
    QWizard::reject();
}

void SetupWizard::restoreFields(const QString &projectDir)
{
    const ProjectFolderState folder = ProjectFolderState::inspect(projectDir);
    if (folder.path.isEmpty())
        return;
    if (!folder.hasConfig) {
        // A folder that is not a project yet: offer to create one there.
        setField(SetupField::ProjectMode,
                 ProjectLocationPage::modeName(ProjectLocationPage::Mode::New));
        setField(SetupField::ProjectDir, folder.path);
        return;
    }
    // wizard.json is a few hundred bytes; reading it here does not stall the GUI.
    m_progress = SetupProgress::load(folder.path);
    m_progressDir = folder.path;
    for (const QLatin1StringView name : SetupField::persisted()) {
        const QJsonValue value = m_progress.fields.value(name);
        if (!value.isUndefined() && !value.isNull())
            setField(name, value.toVariant());
    }
    // The project exists now, whatever the saved choice was (e.g. "new" before it was created).
    setField(SetupField::ProjectMode,
             ProjectLocationPage::modeName(ProjectLocationPage::Mode::Open));
    setField(SetupField::ProjectDir, folder.path);
}

void SetupWizard::goToPage(int id)
{
    // Walk forward with next() so Back leads through the earlier pages as usual.
    while (currentId() != id && currentPage() && currentPage()->isComplete()) {
        const int before = currentId();
        next();
        if (currentId() == before)
            break;
    }
}

void SetupWizard::saveProgress()
{
    const QString dir = progressDir();
    if (dir.isEmpty())
        return;
    if (dir != m_progressDir) {
        m_progress = SetupProgress::load(dir);
        m_progressDir = dir;
    }
    m_progress.currentPage = stepForPage(currentId());
    for (const QLatin1StringView name : SetupField::persisted())
        m_progress.fields.insert(name, QJsonValue::fromVariant(field(name)));
    m_writer->save(dir, m_progress);
}

void SetupWizard::recordCompletion()
{
    m_resultDir = m_summaryPage->resultDir();
    if (m_resultDir.isEmpty())
        return;
    if (m_resultDir != m_progressDir) {
        m_progress = SetupProgress::load(m_resultDir);
        m_progressDir = m_resultDir;
    }
    m_progress.markCompleted(stepForPage(Page_Project));
    m_progress.currentPage.clear();
    for (const QLatin1StringView name : SetupField::persisted())
        m_progress.fields.insert(name, QJsonValue::fromVariant(field(name)));
    m_writer->save(m_resultDir, m_progress);
    Q_EMIT projectReady(m_resultDir);
}

QString SetupWizard::progressDir() const
{
    const ProjectFolderState folder
        = ProjectFolderState::inspect(field(SetupField::ProjectDir).toString());
    return folder.hasConfig ? folder.path : QString();
}

} // namespace ktx
