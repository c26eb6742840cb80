#include "agentspage.h"

#include "setupfield.h"
#include "setupwizard.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalBlocker>
#include <QSizePolicy>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ktx {

namespace {

using Action = AgentFileChange::Action;

QString actionText(Action action, bool applied)
{
    switch (action) {
    case Action::Create:
        return applied ? AgentsPage::tr("created") : AgentsPage::tr("create");
    case Action::Update:
        return applied ? AgentsPage::tr("updated") : AgentsPage::tr("update");
    case Action::Unchanged:
        return AgentsPage::tr("unchanged");
    case Action::Remove:
        return applied ? AgentsPage::tr("removed") : AgentsPage::tr("remove");
    case Action::Keep:
        return AgentsPage::tr("left as is");
    }
    return {};
}

QString shownPath(const QString &path, const QString &projectDir)
{
    const QString relative = QDir(projectDir).relativeFilePath(path);
    const QString home = QDir::homePath();
    if (!relative.startsWith(QLatin1String("..")))
        return relative;
    if (path.startsWith(home + QLatin1Char('/')))
        return QStringLiteral("~") + path.mid(home.size());
    return path;
}

// The ktx CLI installed beside the desktop app, for the rules to call.
QString ktxCommand()
{
    const QString sibling
        = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("ktx"));
    return QFileInfo(sibling).isExecutable() ? sibling : QStringLiteral("ktx");
}

} // namespace

AgentsPage::AgentsPage(QWidget *parent)
    : QWizardPage(parent)
{
    setTitle(tr("Agents"));
    setSubTitle(tr("Connect coding agents to this project's context: ktx adds its MCP server "
                   "and a short instructions file; your other settings stay as they are."));

    auto *targetsBox = new QGroupBox(tr("Agent clients"), this);
    auto *targetsLayout = new QVBoxLayout(targetsBox);
    const QMap<QString, QString> labels {
        {QStringLiteral("claude-code"), tr("&Claude Code")},
        {QStringLiteral("codex"), tr("Code&x")},
        {QStringLiteral("cursor"), tr("C&ursor")},
        {QStringLiteral("opencode"), tr("&OpenCode")},
        {QStringLiteral("universal"), tr("Uni&versal (.agents skills for other clients)")}};
    for (const QString &target : AgentIntegration::targets()) {
        auto *box = new QCheckBox(labels.value(target), targetsBox);
        box->setObjectName(QStringLiteral("agentTarget_") + target);
        targetsLayout->addWidget(box);
        m_targets.insert(target, box);
        connect(box, &QCheckBox::toggled, this, &AgentsPage::refreshPreview);
    }

    auto *scopeBox = new QGroupBox(tr("Where"), this);
    auto *scopeLayout = new QVBoxLayout(scopeBox);
    m_projectScope
        = new QRadioButton(tr("In this &project (shared with the repository)"), scopeBox);
    m_projectScope->setObjectName(QStringLiteral("agentScopeProject"));
    m_globalScope
        = new QRadioButton(tr("For my &user account (Claude Code and Codex only)"), scopeBox);
    m_globalScope->setObjectName(QStringLiteral("agentScopeGlobal"));
    m_projectScope->setChecked(true);
    m_scopeGroup = new QButtonGroup(this);
    m_scopeGroup->addButton(m_projectScope);
    m_scopeGroup->addButton(m_globalScope);
    scopeLayout->addWidget(m_projectScope);
    scopeLayout->addWidget(m_globalScope);

    auto *modeBox = new QGroupBox(tr("What agents may do"), this);
    auto *modeLayout = new QVBoxLayout(modeBox);
    m_mcpMode = new QRadioButton(tr("&Ask data questions (MCP tools)"), modeBox);
    m_mcpMode->setObjectName(QStringLiteral("agentModeMcp"));
    m_cliMode = new QRadioButton(tr("Also &manage ktx with CLI commands"), modeBox);
    m_cliMode->setObjectName(QStringLiteral("agentModeCli"));
    m_mcpMode->setChecked(true);
    m_modeGroup = new QButtonGroup(this);
    m_modeGroup->addButton(m_mcpMode);
    m_modeGroup->addButton(m_cliMode);
    modeLayout->addWidget(m_mcpMode);
    modeLayout->addWidget(m_cliMode);
    m_writeCodexConfig = new QCheckBox(tr("Write Codex's config.&toml too"), modeBox);
    m_writeCodexConfig->setObjectName(QStringLiteral("agentWriteCodexConfig"));
    m_writeCodexConfig->setToolTip(
        tr("Adds [mcp_servers.ktx] to $CODEX_HOME/config.toml and keeps the rest of the file. "
           "Otherwise the snippet is shown below to copy."));
    modeLayout->addWidget(m_writeCodexConfig);

    connect(m_scopeGroup, &QButtonGroup::buttonToggled, this, [this](QAbstractButton *, bool on) {
        if (on)
            refreshPreview();
    });
    connect(m_modeGroup, &QButtonGroup::buttonToggled, this, [this](QAbstractButton *, bool on) {
        if (on)
            refreshPreview();
    });
    connect(m_writeCodexConfig, &QCheckBox::toggled, this, &AgentsPage::refreshPreview);

    // The choices keep their height; the file list takes what is left.
    for (QGroupBox *box : {targetsBox, scopeBox, modeBox})
        box->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    auto *choices = new QHBoxLayout;
    choices->addWidget(targetsBox, 1);
    auto *right = new QVBoxLayout;
    right->addWidget(scopeBox);
    right->addWidget(modeBox);
    choices->addLayout(right, 1);

    m_endpoint = new QLabel(this);
    m_endpoint->setObjectName(QStringLiteral("agentEndpoint"));
    m_endpoint->setWordWrap(true);

    auto *previewLabel = new QLabel(tr("&Files:"), this);
    m_preview = new QTreeWidget(this);
    m_preview->setObjectName(QStringLiteral("agentPreview"));
    m_preview->setHeaderLabels({tr("Action"), tr("File"), tr("Detail")});
    m_preview->setRootIsDecorated(false);
    m_preview->setUniformRowHeights(true);
    m_preview->setAccessibleName(tr("Files ktx will write"));
    m_preview->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_preview->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_preview->header()->setStretchLastSection(true);
    m_preview->setMinimumHeight(64);
    previewLabel->setBuddy(m_preview);

    m_notes = new QLabel(this);
    m_notes->setObjectName(QStringLiteral("agentNotes"));
    m_notes->setWordWrap(true);
    m_notes->setTextFormat(Qt::RichText);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);

    m_install = new QPushButton(tr("&Install"), this);
    m_install->setObjectName(QStringLiteral("agentInstall"));
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumWidth(120);
    m_busy->hide();
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("agentResult"));
    m_result->setWordWrap(true);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_install);
    actions->addWidget(m_busy);
    actions->addWidget(m_result, 1);
    connect(m_install, &QPushButton::clicked, this, &AgentsPage::install);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(choices);
    layout->addWidget(m_endpoint);
    layout->addWidget(previewLabel);
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_notes);
    layout->addLayout(actions);

    updateControls();
}

void AgentsPage::setProjectDir(const QString &dir)
{
    m_projectDir = dir;
}

QString AgentsPage::projectDir() const
{
    if (wizard()) {
        const QString dir = field(SetupField::ProjectDir).toString();
        if (!dir.isEmpty())
            return dir;
    }
    return m_projectDir;
}

QStringList AgentsPage::selectedTargets() const
{
    QStringList targets;
    for (auto it = m_targets.cbegin(); it != m_targets.cend(); ++it) {
        if ((*it)->isChecked() && AgentIntegration::supportsScope(it.key(), scope()))
            targets << it.key();
    }
    return targets;
}

void AgentsPage::setSelectedTargets(const QStringList &targets)
{
    for (auto it = m_targets.cbegin(); it != m_targets.cend(); ++it)
        (*it)->setChecked(targets.contains(it.key()));
}

QString AgentsPage::scope() const
{
    return m_globalScope->isChecked() ? QStringLiteral("global") : QStringLiteral("project");
}

void AgentsPage::setScope(const QString &scope)
{
    (scope == QLatin1String("project") ? m_projectScope : m_globalScope)->setChecked(true);
}

QString AgentsPage::mode() const
{
    return m_cliMode->isChecked() ? QStringLiteral("mcp-cli") : QStringLiteral("mcp");
}

void AgentsPage::setMode(const QString &mode)
{
    (mode == QLatin1String("mcp-cli") ? m_cliMode : m_mcpMode)->setChecked(true);
}

void AgentsPage::initializePage()
{
    const QString dir = projectDir();
    if (dir.isEmpty() || !selectedTargets().isEmpty()) {
        refreshPreview();
        return;
    }
    // Start from what is installed already, so the page shows its state (and
    // Install updates it); the manifest is read on the pool like every file here.
    m_planning = true;
    updateControls();
    auto *watcher = new QFutureWatcher<Result<AgentInstallManifest>>(this);
    connect(watcher, &QFutureWatcher<Result<AgentInstallManifest>>::finished, this,
            [this, watcher] {
                const Result<AgentInstallManifest> manifest = watcher->result();
                watcher->deleteLater();
                if (manifest.ok() && !manifest->installs.isEmpty()) {
                    const AgentInstallRecord &first = manifest->installs.constFirst();
                    const QSignalBlocker blockScope(m_scopeGroup);
                    const QSignalBlocker blockMode(m_modeGroup);
                    setScope(first.scope == QLatin1String("project") ? first.scope
                                                                     : QStringLiteral("global"));
                    setMode(first.mode);
                    for (const AgentInstallRecord &record : manifest->installs) {
                        QCheckBox *box = m_targets.value(record.target);
                        if (box && record.scope == first.scope) {
                            const QSignalBlocker block(box);
                            box->setChecked(true);
                        }
                    }
                }
                refreshPreview();
            });
    watcher->setFuture(QtConcurrent::run([dir] { return AgentInstallManifest::load(dir); }));
}

bool AgentsPage::isComplete() const
{
    return !m_installing;
}

int AgentsPage::nextId() const
{
    return SetupWizard::Page_Summary;
}

AgentIntegrationRequest AgentsPage::request() const
{
    AgentIntegrationRequest r;
    r.projectDir = projectDir();
    r.targets = selectedTargets();
    r.scope = scope();
    r.mode = mode();
    r.writeCodexConfig = m_writeCodexConfig->isChecked();
    r.ktxCommand = ktxCommand();
    return r;
}

void AgentsPage::refreshPreview()
{
    const quint64 generation = ++m_generation;
    const AgentIntegrationRequest r = request();
    if (r.projectDir.isEmpty() || r.targets.isEmpty()) {
        m_planning = false;
        m_planOk = false;
        m_plan = {};
        m_preview->clear();
        showProblem({});
        m_notes->clear();
        m_result->setText(r.projectDir.isEmpty() ? tr("Create the project first.")
                                                 : tr("Choose at least one agent client."));
        updateControls();
        Q_EMIT previewReady();
        return;
    }
    m_planning = true;
    updateControls();
    // Planning reads the clients' config files (~/.claude.json can be large): off the GUI thread.
    auto *watcher = new QFutureWatcher<Result<AgentIntegrationPlan>>(this);
    connect(watcher, &QFutureWatcher<Result<AgentIntegrationPlan>>::finished, this,
            [this, watcher, generation] {
                const Result<AgentIntegrationPlan> plan = watcher->result();
                watcher->deleteLater();
                if (generation != m_generation)
                    return;
                m_planning = false;
                m_planOk = plan.ok();
                if (plan.ok()) {
                    showProblem({});
                    showPlan(*plan, false);
                } else {
                    m_plan = {};
                    m_preview->clear();
                    m_notes->clear();
                    showProblem(plan.error().toText());
                }
                updateControls();
                Q_EMIT previewReady();
            });
    watcher->setFuture(QtConcurrent::run([r] { return AgentIntegration::planInstall(r); }));
}

void AgentsPage::install()
{
    if (m_installing || m_planning || !m_planOk || !m_plan.hasChanges())
        return;
    // Re-plans in the worker, so what is written matches the files as they are now.
    const AgentIntegrationRequest r = request();
    m_installing = true;
    ++m_generation; // a preview still running is stale now
    m_result->setText(tr("Installing…"));
    updateControls();
    auto *watcher = new QFutureWatcher<Result<AgentIntegrationPlan>>(this);
    connect(watcher, &QFutureWatcher<Result<AgentIntegrationPlan>>::finished, this,
            [this, watcher] {
                const Result<AgentIntegrationPlan> done = watcher->result();
                watcher->deleteLater();
                m_installing = false;
                if (!done.ok()) {
                    showProblem(done.error().toText());
                    updateControls();
                    Q_EMIT installFinished(false);
                    return;
                }
                showProblem({});
                showPlan(*done, true);
                QStringList installs;
                for (const AgentInstallRecord &record : done->after.installs)
                    installs << record.key();
                m_result->setText(
                    tr("Agent integration ready: %1").arg(installs.join(QStringLiteral(", "))));
                m_planOk = true;
                updateControls();
                if (auto *setup = qobject_cast<SetupWizard *>(wizard()))
                    setup->markStepCompleted(QStringLiteral("agents"));
                Q_EMIT installFinished(true);
            });
    watcher->setFuture(QtConcurrent::run([r]() -> Result<AgentIntegrationPlan> {
        Result<AgentIntegrationPlan> plan = AgentIntegration::planInstall(r);
        if (!plan.ok())
            return plan.error();
        return AgentIntegration::apply(*plan);
    }));
}

void AgentsPage::showPlan(const AgentIntegrationPlan &plan, bool applied)
{
    m_plan = plan;
    const QString dir = plan.request.projectDir;
    m_endpoint->setText(tr("Agents will connect to %1%2.")
                            .arg(plan.request.url,
                                 plan.request.tokenAuth.value_or(false)
                                     ? tr(" with the token from KTX_MCP_TOKEN")
                                     : QString()));
    m_preview->clear();
    for (const AgentFileChange &change : plan.changes) {
        auto *item = new QTreeWidgetItem(m_preview);
        item->setText(0, actionText(change.action, applied));
        item->setText(1, shownPath(change.path, dir));
        item->setToolTip(1, change.path);
        item->setText(2, change.note);
    }
    QString html;
    for (const AgentSnippet &snippet : plan.snippets)
        html += QStringLiteral("<p>%1<br><code>%2</code></p>")
                    .arg(QString(snippet.title)
                             .replace(QStringLiteral("--write-codex-config"),
                                      tr("tick “Write Codex's config.toml too”"))
                             .toHtmlEscaped(),
                         snippet.text.toHtmlEscaped().replace(QLatin1Char('\n'),
                                                              QStringLiteral("<br>")));
    if (!plan.notes.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(plan.notes.constFirst().toHtmlEscaped());
    m_notes->setText(html);
    if (!applied)
        m_result->setText(plan.hasChanges() ? QString()
                                            : tr("Already installed; nothing to change."));
}

void AgentsPage::showProblem(const QString &text)
{
    m_problem = text;
    if (!text.isEmpty())
        m_result->setText(text);
}

void AgentsPage::updateControls()
{
    const bool idle = !m_installing;
    // Global scope exists for Claude Code and Codex only: the others cannot be chosen there.
    for (QCheckBox *box : std::as_const(m_targets))
        box->setEnabled(idle && AgentIntegration::supportsScope(m_targets.key(box), scope()));
    m_projectScope->setEnabled(idle);
    m_globalScope->setEnabled(idle);
    m_mcpMode->setEnabled(idle);
    m_cliMode->setEnabled(idle);
    m_writeCodexConfig->setEnabled(idle && m_targets.value(QStringLiteral("codex"))->isChecked());
    m_install->setEnabled(idle && !m_planning && m_planOk && m_plan.hasChanges());
    m_busy->setVisible(m_installing || m_planning);
    Q_EMIT completeChanged();
}

} // namespace ktx
