#include "contextsourcespage.h"

#include "colorscheme.h"
#include "project/configeditor.h"
#include "project/configloader.h"
#include "project/projectconfig.h"
#include "project/projectfolderstate.h"
#include "project/yamlvalue.h"
#include "semantic/sourcefilename.h"
#include "setupfield.h"
#include "setupwizard.h"
#include "stateicon.h"

#include <QAction>
#include <QApplication>
#include <QButtonGroup>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFont>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>
#include <QStandardItemModel>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace ktx {

namespace {

constexpr int ResultIconSize = 16;
constexpr int IssuePathRole = Qt::UserRole + 1;
constexpr int IssueLineRole = Qt::UserRole + 2;

using Entry = ContextSourcesPage::Entry;

// The context-source types this page edits, in the order offered.
struct DriverInfo
{
    const char *driver;
    const char *label;
};
constexpr DriverInfo pageDrivers[] = {
    {"dbt", QT_TRANSLATE_NOOP("ContextSourcesPage", "dbt")},
    {"metricflow", QT_TRANSLATE_NOOP("ContextSourcesPage", "MetricFlow")},
    {"lookml", QT_TRANSLATE_NOOP("ContextSourcesPage", "LookML")},
};

QString driverLabel(const QString &driver)
{
    for (const DriverInfo &info : pageDrivers) {
        if (driver == QLatin1String(info.driver))
            return ContextSourcesPage::tr(info.label);
    }
    return driver;
}

bool isPageDriver(const QString &driver)
{
    for (const DriverInfo &info : pageDrivers) {
        if (driver == QLatin1String(info.driver))
            return true;
    }
    return false;
}

bool looksLikeGitUrl(const QString &url)
{
    // https://, ssh://, git://, file:// and scp-like git@host:org/repo.git.
    static const QRegularExpression pattern(
        QStringLiteral("^((https?|ssh|git|file)://\\S+|[\\w.-]+@[\\w.-]+:\\S+)$"));
    return pattern.match(url).hasMatch();
}

QString locationOf(const QString &url, bool *git)
{
    // A file:// URL is a local folder written the way the spec allows for repoUrl.
    if (url.startsWith(QLatin1String("file://"))) {
        *git = false;
        return QUrl(url).toLocalFile();
    }
    *git = !url.isEmpty();
    return url;
}

Entry entryFrom(const ConnectionConfig &c)
{
    Entry e;
    e.id = c.id;
    e.savedId = c.id;
    e.driver = c.driver;
    e.savedDriver = c.driver;
    e.warehouse = c.field(ContextSourcesPage::warehouseKey());
    if (c.driver == QLatin1String("dbt")) {
        e.git = !c.field(QStringLiteral("repo_url")).isEmpty();
        e.gitUrl = c.field(QStringLiteral("repo_url"));
        e.folder = c.field(QStringLiteral("source_dir"));
        e.branch = c.field(QStringLiteral("branch"));
        e.subPath = c.field(QStringLiteral("path"));
    } else {
        const QVariantMap block = c.driver == QLatin1String("metricflow")
            ? c.fields.value(QStringLiteral("metricflow")).toMap()
            : c.fields;
        bool git = false;
        const QString where = locationOf(block.value(QStringLiteral("repoUrl")).toString(), &git);
        e.git = git;
        (git ? e.gitUrl : e.folder) = where;
        e.branch = block.value(QStringLiteral("branch")).toString();
        e.subPath = block.value(QStringLiteral("path")).toString();
    }
    return e;
}

struct LoadedSources
{
    QString error;
    QStringList warehouses;
    QStringList otherIds;
    QList<Entry> entries;
};

// Worker: the warehouse ids, the ids already taken and the sources ktx.yaml has.
LoadedSources runLoad(const QString &dir)
{
    LoadedSources out;
    Result<LoadedConfig> loaded
        = ConfigLoader::loadFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    if (!loaded.ok()) {
        out.error = loaded.error().toText();
        return out;
    }
    out.warehouses = loaded->config.databaseConnectionIds();
    for (const ConnectionConfig &c : loaded->config.connections) {
        if (isPageDriver(c.driver))
            out.entries << entryFrom(c);
        else
            out.otherIds << c.id;
    }
    return out;
}

struct SaveRequest
{
    QString projectDir;
    QList<Entry> entries;
    QStringList removed;
};

QString asWritten(const QString &projectDir, const QString &folder)
{
    const QString path = QDir::fromNativeSeparators(folder);
    const QString relative = QDir(projectDir).relativeFilePath(path);
    // Inside the project, keep the path relative so a clone works elsewhere.
    if (QFileInfo(path).isAbsolute() && !relative.startsWith(QLatin1String("..")))
        return relative.isEmpty() ? QStringLiteral(".") : relative;
    return path;
}

Result<void> writeEntry(ConfigEditor &editor, const QString &projectDir, const Entry &e)
{
    const QStringList base {QStringLiteral("connections"), e.id};
    if (!e.savedId.isEmpty() && (e.savedId != e.id || e.savedDriver != e.driver)) {
        if (Result<void> r = editor.remove({QStringLiteral("connections"), e.savedId}); !r.ok())
            return r;
    }
    YamlValue fields = YamlValue::mapping();
    fields.insert(QStringLiteral("driver"), YamlValue::string(e.driver));
    QStringList stale; // keys this page owns that the new choice leaves empty
    const QString branch = e.git ? e.branch.trimmed() : QString();
    if (e.driver == QLatin1String("dbt")) {
        if (e.git)
            fields.insert(QStringLiteral("repo_url"), YamlValue::string(e.gitUrl.trimmed()));
        else
            fields.insert(QStringLiteral("source_dir"),
                          YamlValue::string(asWritten(projectDir, e.folder.trimmed())));
        stale << (e.git ? QStringLiteral("source_dir") : QStringLiteral("repo_url"));
        if (branch.isEmpty())
            stale << QStringLiteral("branch");
        else
            fields.insert(QStringLiteral("branch"), YamlValue::string(branch));
    } else {
        // MetricFlow and LookML name a repository; a local folder is a file:// URL.
        const QString url = e.git
            ? e.gitUrl.trimmed()
            : QUrl::fromLocalFile(QDir(projectDir).absoluteFilePath(e.folder.trimmed())).toString();
        YamlValue repo = YamlValue::mapping();
        repo.insert(QStringLiteral("repoUrl"), YamlValue::string(url));
        if (!branch.isEmpty())
            repo.insert(QStringLiteral("branch"), YamlValue::string(branch));
        if (e.driver == QLatin1String("metricflow")) {
            fields.insert(QStringLiteral("metricflow"), repo);
            if (branch.isEmpty())
                stale << QStringLiteral("metricflow/branch");
        } else {
            for (const auto &[key, value] : repo.entries())
                fields.insert(key, value);
            if (branch.isEmpty())
                stale << QStringLiteral("branch");
        }
    }
    if (e.warehouse.isEmpty())
        stale << ContextSourcesPage::warehouseKey();
    else
        fields.insert(ContextSourcesPage::warehouseKey(), YamlValue::string(e.warehouse));
    if (Result<void> r = editor.setConnection(e.id, fields); !r.ok())
        return r;
    for (const QString &key : std::as_const(stale)) {
        if (Result<void> r = editor.remove(base + key.split(QLatin1Char('/'))); !r.ok())
            return r;
    }
    return {};
}

// Worker: edit ktx.yaml (comments kept), validate and commit it.
Result<void> runSave(const SaveRequest &request)
{
    Result<ConfigEditor> editor = ConfigEditor::open(request.projectDir);
    if (!editor.ok())
        return editor.error();
    for (const QString &id : request.removed) {
        if (Result<void> r = editor->remove({QStringLiteral("connections"), id}); !r.ok())
            return r;
    }
    QStringList ids;
    for (const Entry &e : request.entries) {
        if (!e.edited)
            continue;
        if (Result<void> r = writeEntry(editor.value(), request.projectDir, e); !r.ok())
            return r;
        ids << e.id;
    }
    QString message = QStringLiteral("setup: context sources");
    if (!ids.isEmpty())
        message += QStringLiteral(" ") + ids.join(QStringLiteral(", "));
    if (!request.removed.isEmpty())
        message += QStringLiteral(" (removed %1)").arg(request.removed.join(QStringLiteral(", ")));
    return editor->saveAndCommit(message);
}

// Worker: a fast parse of the folder by the type's parser; reads files only.
Result<ContextSourceReport> runCheck(const QString &driver, const QString &folder)
{
    const std::unique_ptr<ContextSourceParser> parser = contextSourceParser(driver);
    if (!parser)
        return makeError(QStringLiteral("no_parser"),
                         QStringLiteral("This build of ktx cannot read %1 sources yet.")
                             .arg(driverLabel(driver)),
                         QStringLiteral("Save the source anyway; a later ktx can ingest it."));
    return parser->check(folder);
}

QString locationText(const QString &path, int line)
{
    return line > 0 ? QStringLiteral("%1:%2").arg(path).arg(line) : path;
}

} // namespace

ContextSourcesPage::ContextSourcesPage(QWidget *parent)
    : QWizardPage(parent)
{
    setTitle(tr("Context Sources"));
    setSubTitle(tr("Optional: add the dbt, MetricFlow or LookML projects that describe your "
                   "warehouse. Check reads a project here; nothing is ingested until you run "
                   "ingest. Press Next to skip."));

    // The list of sources, with Add and Remove under it.
    auto *listLabel = new QLabel(tr("Context &sources:"), this);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("contextSourceList"));
    m_list->setAccessibleName(tr("Context sources"));
    m_list->setMinimumWidth(170);
    listLabel->setBuddy(m_list);
    m_add = new QPushButton(tr("&Add"), this);
    m_add->setObjectName(QStringLiteral("addContextSource"));
    m_add->setToolTip(tr("Add a context source"));
    m_remove = new QPushButton(tr("Re&move"), this);
    m_remove->setObjectName(QStringLiteral("removeContextSource"));
    m_remove->setToolTip(tr("Remove the selected context source"));
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(m_add);
    listButtons->addWidget(m_remove);
    listButtons->addStretch(1);
    auto *left = new QVBoxLayout;
    left->addWidget(listLabel);
    left->addWidget(m_list, 1);
    left->addLayout(listButtons);

    // The selected source.
    m_editor = new QWidget(this);
    m_driver = new QComboBox(m_editor);
    m_driver->setObjectName(QStringLiteral("contextSourceDriver"));
    const QStringList built = contextSourceDrivers();
    auto *driverModel = qobject_cast<QStandardItemModel *>(m_driver->model());
    for (const DriverInfo &info : pageDrivers) {
        const QString driver = QLatin1String(info.driver);
        const bool available = built.contains(driver);
        m_driver->addItem(available ? tr(info.label)
                                    : tr("%1 (not readable in this build)").arg(tr(info.label)),
                          driver);
        // Types without a parser stay visible, so a source in ktx.yaml keeps its type.
        if (!available && driverModel)
            driverModel->item(m_driver->count() - 1)
                ->setFlags(driverModel->item(m_driver->count() - 1)->flags() & ~Qt::ItemIsEnabled);
    }

    auto *modeRow = new QWidget(m_editor);
    auto *modeLayout = new QHBoxLayout(modeRow);
    modeLayout->setContentsMargins(0, 0, 0, 0);
    m_localMode = new QRadioButton(tr("Local &folder"), modeRow);
    m_localMode->setObjectName(QStringLiteral("contextSourceLocal"));
    m_gitMode = new QRadioButton(tr("&Git repository"), modeRow);
    m_gitMode->setObjectName(QStringLiteral("contextSourceGit"));
    m_localMode->setChecked(true);
    auto *modeGroup = new QButtonGroup(this);
    modeGroup->addButton(m_localMode);
    modeGroup->addButton(m_gitMode);
    modeLayout->addWidget(m_localMode);
    modeLayout->addWidget(m_gitMode);
    modeLayout->addStretch(1);

    m_folderRow = new QWidget(m_editor);
    auto *folderLayout = new QHBoxLayout(m_folderRow);
    folderLayout->setContentsMargins(0, 0, 0, 0);
    m_folder = new QLineEdit(m_folderRow);
    m_folder->setObjectName(QStringLiteral("contextSourceFolder"));
    m_folder->setPlaceholderText(tr("path/to/dbt-project"));
    m_folder->setClearButtonEnabled(true);
    m_folder->setAccessibleName(tr("Folder"));
    m_folder->setToolTip(tr("Press Enter to check the folder."));
    auto *browse = new QPushButton(tr("B&rowse…"), m_folderRow);
    browse->setObjectName(QStringLiteral("contextSourceBrowse"));
    connect(browse, &QPushButton::clicked, this, &ContextSourcesPage::chooseFolder);
    folderLayout->addWidget(m_folder, 1);
    folderLayout->addWidget(browse);

    m_gitUrl = new QLineEdit(m_editor);
    m_gitUrl->setObjectName(QStringLiteral("contextSourceGitUrl"));
    m_gitUrl->setPlaceholderText(QStringLiteral("https://github.com/acme/analytics.git"));
    m_gitUrl->setClearButtonEnabled(true);
    m_branch = new QLineEdit(m_editor);
    m_branch->setObjectName(QStringLiteral("contextSourceBranch"));
    m_branch->setPlaceholderText(tr("main"));

    m_warehouse = new QComboBox(m_editor);
    m_warehouse->setObjectName(QStringLiteral("contextSourceWarehouse"));
    m_warehouse->setToolTip(tr("The warehouse connection whose tables this source describes."));

    m_id = new QLineEdit(m_editor);
    m_id->setObjectName(QStringLiteral("contextSourceId"));
    m_id->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[A-Za-z0-9_][A-Za-z0-9_-]*")), m_id));
    m_idMessage = new QLabel(m_editor);
    m_idMessage->setObjectName(QStringLiteral("contextSourceIdMessage"));
    m_idMessage->setWordWrap(true);

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->addRow(tr("&Type:"), m_driver);
    m_form->addRow(tr("Where:"), modeRow);
    m_form->addRow(tr("&Location:"), m_folderRow);
    m_form->addRow(tr("Git &URL:"), m_gitUrl);
    m_form->addRow(tr("Branc&h:"), m_branch);
    m_form->addRow(tr("&Warehouse:"), m_warehouse);
    m_form->addRow(tr("Connection &id:"), m_id);
    m_form->addRow(QString(), m_idMessage);
    if (auto *label = qobject_cast<QLabel *>(m_form->labelForField(m_folderRow)))
        label->setBuddy(m_folder);
    if (auto *label = qobject_cast<QLabel *>(m_form->labelForField(modeRow)))
        label->setBuddy(m_localMode);

    m_check = new QPushButton(tr("&Check"), m_editor);
    m_check->setObjectName(QStringLiteral("checkContextSource"));
    m_check->setToolTip(tr("Read the project and show what ktx found, without ingesting it."));
    m_cancel = new QPushButton(tr("Stop Chec&k"), m_editor);
    m_cancel->setObjectName(QStringLiteral("cancelContextSourceCheck"));
    m_busy = new QProgressBar(m_editor);
    m_busy->setObjectName(QStringLiteral("contextSourceBusy"));
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setFixedSize(72, 8);
    auto *checkRow = new QHBoxLayout;
    checkRow->addWidget(m_check);
    checkRow->addWidget(m_cancel);
    checkRow->addSpacing(8);
    checkRow->addWidget(m_busy);
    checkRow->addStretch(1);

    auto *resultRow = new QHBoxLayout;
    resultRow->setSpacing(8);
    m_resultIcon = new QLabel(m_editor);
    m_resultIcon->setFixedSize(ResultIconSize, ResultIconSize);
    m_result = new QLabel(m_editor);
    m_result->setObjectName(QStringLiteral("contextSourceResult"));
    m_result->setWordWrap(true);
    m_result->setTextFormat(Qt::PlainText);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    resultRow->addWidget(m_resultIcon, 0, Qt::AlignTop);
    resultRow->addWidget(m_result, 1);

    m_summary = new QLabel(m_editor);
    m_summary->setObjectName(QStringLiteral("contextSourceSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *issuesLabel = new QLabel(tr("R&esults:"), m_editor);
    m_issues = new QTreeWidget(m_editor);
    m_issues->setObjectName(QStringLiteral("contextSourceIssues"));
    m_issues->setHeaderLabels({tr("Location"), tr("Detail")});
    m_issues->setAccessibleName(tr("Check results"));
    m_issues->setUniformRowHeights(true);
    m_issues->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_issues->header()->setSectionResizeMode(0, QHeaderView::Interactive);
    m_issues->header()->setStretchLastSection(true);
    m_issues->setColumnWidth(0, 200);
    m_issues->setMinimumHeight(80);
    m_issues->setToolTip(tr("Double-click or press Enter to open a file; Ctrl+C copies."));
    issuesLabel->setBuddy(m_issues);
    auto *copy = new QAction(tr("Copy"), m_issues);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &ContextSourcesPage::copyIssues);
    m_issues->addAction(copy);
    m_issues->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_issues, &QTreeWidget::itemActivated, this,
            [this](QTreeWidgetItem *item) { openIssue(item); });

    auto *right = new QVBoxLayout(m_editor);
    right->setContentsMargins(0, 0, 0, 0);
    right->addLayout(m_form);
    right->addLayout(checkRow);
    right->addLayout(resultRow);
    right->addWidget(m_summary);
    right->addWidget(issuesLabel);
    right->addWidget(m_issues, 1);

    auto *layout = new QHBoxLayout(this);
    layout->addLayout(left, 0);
    layout->addSpacing(8);
    layout->addWidget(m_editor, 1);

    // Enter in a location field runs Check instead of the wizard's default button.
    m_folder->installEventFilter(this);
    m_gitUrl->installEventFilter(this);

    connect(m_list, &QListWidget::currentRowChanged, this, &ContextSourcesPage::selectEntry);
    connect(m_add, &QPushButton::clicked, this, &ContextSourcesPage::addSource);
    connect(m_remove, &QPushButton::clicked, this, &ContextSourcesPage::removeSource);
    connect(m_check, &QPushButton::clicked, this, &ContextSourcesPage::check);
    connect(m_cancel, &QPushButton::clicked, this, &ContextSourcesPage::cancelCheck);
    connect(m_driver, &QComboBox::currentIndexChanged, this, &ContextSourcesPage::onFormEdited);
    connect(m_warehouse, &QComboBox::currentIndexChanged, this, &ContextSourcesPage::onFormEdited);
    connect(modeGroup, &QButtonGroup::buttonToggled, this, [this](QAbstractButton *, bool on) {
        if (on)
            onFormEdited();
    });
    for (QLineEdit *edit : {m_folder, m_gitUrl, m_branch, m_id})
        connect(edit, &QLineEdit::textChanged, this, &ContextSourcesPage::onFormEdited);

    populateForm();
}

QString ContextSourcesPage::warehouseKey()
{
    return QStringLiteral("warehouse");
}

QString ContextSourcesPage::projectDir() const
{
    const ProjectFolderState folder
        = ProjectFolderState::inspect(field(SetupField::ProjectDir).toString());
    return folder.hasConfig ? folder.path : QString();
}

bool ContextSourcesPage::hasUnsavedChanges() const
{
    if (!m_removed.isEmpty())
        return true;
    for (const Entry &e : m_entries) {
        if (e.edited)
            return true;
    }
    return false;
}

QString ContextSourcesPage::currentProblem() const
{
    return problemOf(m_current);
}

QString ContextSourcesPage::idProblemOf(int index) const
{
    if (index < 0 || index >= m_entries.size())
        return {};
    const Entry &e = m_entries.at(index);
    if (!SourceFileName::isValidConnectionId(e.id))
        return tr("Use letters, digits, “_” and “-” only for the connection id, not starting "
                  "with “-”.");
    if (m_otherIds.contains(e.id))
        return tr("ktx.yaml already has a connection named “%1”.").arg(e.id);
    for (int i = 0; i < m_entries.size(); ++i) {
        if (i != index && m_entries.at(i).id == e.id)
            return tr("Two sources are named “%1”; give each its own connection id.").arg(e.id);
    }
    return {};
}

QString ContextSourcesPage::problemOf(int index) const
{
    if (index < 0 || index >= m_entries.size())
        return {};
    if (QString problem = idProblemOf(index); !problem.isEmpty())
        return problem;
    const Entry &e = m_entries.at(index);
    if (e.git) {
        if (e.gitUrl.trimmed().isEmpty())
            return tr("Enter the repository's git URL.");
        if (!looksLikeGitUrl(e.gitUrl.trimmed()))
            return tr("“%1” is not a git URL (https://…, ssh://…, git@host:org/repo.git or "
                      "file://…).")
                .arg(e.gitUrl.trimmed());
    } else if (e.folder.trimmed().isEmpty()) {
        return tr("Choose the project's folder.");
    }
    return {};
}

QString ContextSourcesPage::suggestedId(const QString &driver, int except) const
{
    QStringList taken = m_otherIds;
    for (int i = 0; i < m_entries.size(); ++i) {
        if (i != except)
            taken << m_entries.at(i).id;
    }
    QString id = driver;
    for (int n = 2; taken.contains(id); ++n)
        id = QStringLiteral("%1_%2").arg(driver).arg(n);
    return id;
}

QString ContextSourcesPage::absoluteFolder(const QString &folder) const
{
    const QString path = QDir::fromNativeSeparators(folder.trimmed());
    const QString dir = projectDir();
    return dir.isEmpty() ? QDir::cleanPath(path) : QDir(dir).absoluteFilePath(path);
}

void ContextSourcesPage::initializePage()
{
    const QString dir = projectDir();
    if (dir.isEmpty()) {
        showResult(Tone::Error, tr("Create the project first; sources are saved in its ktx.yaml."));
        updateControls();
        return;
    }
    // ktx.yaml is parsed on the pool: warehouses, ids taken and the sources it has.
    const quint64 generation = ++m_loadGeneration;
    m_loading = true;
    updateControls();
    auto *watcher = new QFutureWatcher<LoadedSources>(this);
    connect(watcher, &QFutureWatcher<LoadedSources>::finished, this, [this, watcher, generation] {
        const LoadedSources found = watcher->result();
        watcher->deleteLater();
        if (generation != m_loadGeneration)
            return;
        m_loading = false;
        m_warehouses = found.warehouses;
        m_otherIds = found.otherIds;
        // Edits not yet written survive a trip to another page and back.
        if (!hasUnsavedChanges()) {
            const QString selected = m_current >= 0 && m_current < m_entries.size()
                ? m_entries.at(m_current).id
                : QString();
            QList<Entry> entries = found.entries;
            // A check already shown stays with its source.
            for (Entry &e : entries) {
                for (const Entry &old : std::as_const(m_entries)) {
                    if (old.savedId == e.savedId && old.folder == e.folder
                        && old.gitUrl == e.gitUrl)
                        e.report = old.report;
                }
            }
            m_entries = entries;
            m_list->clear();
            for (int i = 0; i < m_entries.size(); ++i) {
                m_list->addItem(QString());
                refreshListItem(i);
            }
            int index = 0;
            for (int i = 0; i < m_entries.size(); ++i) {
                if (m_entries.at(i).id == selected)
                    index = i;
            }
            m_current = -1;
            m_list->setCurrentRow(m_entries.isEmpty() ? -1 : index);
        }
        if (!found.error.isEmpty())
            showResult(Tone::Error, found.error);
        populateForm();
        Q_EMIT loaded();
    });
    watcher->setFuture(QtConcurrent::run(runLoad, dir));
}

bool ContextSourcesPage::isComplete() const
{
    // Not held back while ktx.yaml loads: nothing can be edited before it has, so
    // Next (and the wizard resuming a later page) has nothing to write.
    return !m_saving;
}

bool ContextSourcesPage::validatePage()
{
    if (m_saving)
        return false;
    for (int i = 0; i < m_entries.size(); ++i) {
        // What ktx.yaml already says is not ours to refuse; only edits are written.
        if (!m_entries.at(i).edited)
            continue;
        if (const QString problem = problemOf(i); !problem.isEmpty()) {
            // Show the source that cannot be saved, and why.
            m_list->setCurrentRow(i);
            showResult(Tone::Error, problem);
            updateControls();
            return false;
        }
    }
    if (!hasUnsavedChanges()) {
        if (!m_entries.isEmpty())
            if (auto *setup = qobject_cast<SetupWizard *>(wizard()))
                setup->markStepCompleted(QStringLiteral("sources"));
        return true;
    }
    m_advanceAfterSave = true;
    save();
    return false;
}

int ContextSourcesPage::nextId() const
{
    return SetupWizard::Page_Agents;
}

bool ContextSourcesPage::eventFilter(QObject *watched, QEvent *event)
{
    if ((watched == m_folder || watched == m_gitUrl) && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            check();
            return true; // not the wizard's Next
        }
    }
    return QWizardPage::eventFilter(watched, event);
}

void ContextSourcesPage::changeEvent(QEvent *event)
{
    QWizardPage::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateColors();
}

void ContextSourcesPage::addSource()
{
    if (m_saving || m_loading)
        return;
    Entry e;
    const QStringList built = contextSourceDrivers();
    e.driver = built.isEmpty() ? QStringLiteral("dbt") : built.constFirst();
    e.id = suggestedId(e.driver, -1);
    e.warehouse = m_warehouses.isEmpty() ? QString() : m_warehouses.constFirst();
    e.edited = true;
    m_entries << e;
    m_list->addItem(QString());
    refreshListItem(int(m_entries.size()) - 1);
    m_list->setCurrentRow(int(m_entries.size()) - 1);
    m_folder->setFocus();
}

void ContextSourcesPage::removeSource()
{
    if (m_saving || m_current < 0 || m_current >= m_entries.size())
        return;
    const int index = m_current;
    if (m_checking && m_checkedEntry == index)
        cancelCheck();
    const Entry removed = m_entries.takeAt(index);
    if (!removed.savedId.isEmpty())
        m_removed << removed.savedId;
    m_current = -1;
    delete m_list->takeItem(index);
    m_list->setCurrentRow(std::min(index, int(m_entries.size()) - 1));
    if (m_entries.isEmpty())
        selectEntry(-1);
}

void ContextSourcesPage::selectEntry(int index)
{
    if (m_checking && m_checkedEntry != index)
        cancelCheck();
    m_current = index;
    populateForm();
}

void ContextSourcesPage::populateForm()
{
    m_populating = true;
    const bool have = m_current >= 0 && m_current < m_entries.size();
    const Entry e = have ? m_entries.at(m_current) : Entry();
    m_driver->setCurrentIndex(std::max(0, m_driver->findData(e.driver)));
    (e.git ? m_gitMode : m_localMode)->setChecked(true);
    m_folder->setText(QDir::toNativeSeparators(e.folder));
    m_gitUrl->setText(e.gitUrl);
    m_branch->setText(e.branch);
    m_warehouse->clear();
    m_warehouse->addItem(tr("(none)"), QString());
    for (const QString &id : std::as_const(m_warehouses))
        m_warehouse->addItem(id, id);
    // A mapping in ktx.yaml to a connection that is gone stays visible as it is.
    if (!e.warehouse.isEmpty() && m_warehouse->findData(e.warehouse) < 0)
        m_warehouse->addItem(tr("%1 (not a warehouse connection)").arg(e.warehouse), e.warehouse);
    m_warehouse->setCurrentIndex(std::max(0, m_warehouse->findData(e.warehouse)));
    m_id->setText(e.id);
    m_populating = false;
    if (!m_checking) {
        if (have && e.report)
            showReport(e.report);
        else
            showReport(std::nullopt);
    }
    updateControls();
}

void ContextSourcesPage::onFormEdited()
{
    if (m_populating || m_current < 0 || m_current >= m_entries.size())
        return;
    Entry &e = m_entries[m_current];
    const QString driver = m_driver->currentData().toString();
    const bool git = m_gitMode->isChecked();
    const QString folder = QDir::fromNativeSeparators(m_folder->text());
    // A new type or another location makes the last check say nothing about this one.
    const bool locationChanged
        = driver != e.driver || git != e.git || folder != e.folder || m_gitUrl->text() != e.gitUrl;
    if (driver != e.driver && e.savedId.isEmpty() && e.id == suggestedId(e.driver, m_current)) {
        // Keep the suggested id in step with the type until the person names it.
        e.driver = driver;
        e.id = suggestedId(driver, m_current);
        const QSignalBlocker block(m_id);
        m_id->setText(e.id);
    }
    e.driver = driver;
    e.git = git;
    e.folder = folder;
    e.gitUrl = m_gitUrl->text();
    e.branch = m_branch->text();
    e.warehouse = m_warehouse->currentData().toString();
    e.id = m_id->text().trimmed();
    e.edited = true;
    if (locationChanged) {
        e.report.reset();
        if (m_checking) {
            // The running check's answer is about the old input.
            ++m_checkGeneration;
            m_checking = false;
        }
        showReport(std::nullopt);
    }
    refreshListItem(m_current);
    updateControls();
}

void ContextSourcesPage::refreshListItem(int index)
{
    QListWidgetItem *item = m_list->item(index);
    if (!item || index >= m_entries.size())
        return;
    const Entry &e = m_entries.at(index);
    const QString where = e.git ? e.gitUrl : QDir::toNativeSeparators(e.folder);
    item->setText(tr("%1 — %2").arg(e.id.isEmpty() ? tr("(no id)") : e.id, driverLabel(e.driver)));
    item->setToolTip(where);
}

void ContextSourcesPage::chooseFolder()
{
    const QString start
        = m_folder->text().isEmpty() ? projectDir() : absoluteFolder(m_folder->text());
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Choose the %1 project folder").arg(m_driver->currentText()), start);
    if (!folder.isEmpty()) {
        m_folder->setText(QDir::toNativeSeparators(folder));
        check();
    }
}

void ContextSourcesPage::check()
{
    if (m_current < 0 || m_current >= m_entries.size() || m_saving)
        return;
    const Entry &e = m_entries.at(m_current);
    if (e.git) {
        // No clone here: the wizard never reaches the network; ingest clones it.
        showReport(std::nullopt);
        showResult(Tone::Warn,
                   tr("ktx fetches the repository when it ingests this source; Check reads local "
                      "folders only. To check it now, clone it and choose the folder."));
        Q_EMIT checkFinished(false);
        return;
    }
    if (e.folder.trimmed().isEmpty()) {
        showResult(Tone::Error, tr("Choose the project's folder first."));
        Q_EMIT checkFinished(false);
        return;
    }
    const quint64 generation = ++m_checkGeneration;
    const int index = m_current;
    const QString driver = e.driver;
    // A `path` written in ktx.yaml (not edited here) names the project inside the folder.
    const QString folder = e.subPath.isEmpty()
        ? absoluteFolder(e.folder)
        : QDir::cleanPath(QDir(absoluteFolder(e.folder)).filePath(e.subPath));
    m_checking = true;
    m_checkedEntry = index;
    showReport(std::nullopt);
    showResult(Tone::Busy,
               tr("Reading the %1 project in %2…")
                   .arg(driverLabel(driver), QDir::toNativeSeparators(folder)));
    updateControls();

    auto *watcher = new QFutureWatcher<Result<ContextSourceReport>>(this);
    connect(watcher, &QFutureWatcher<Result<ContextSourceReport>>::finished, this,
            [this, watcher, generation, index] {
                const Result<ContextSourceReport> report = watcher->result();
                watcher->deleteLater();
                if (generation != m_checkGeneration)
                    return; // cancelled, edited or superseded
                m_checking = false;
                if (report.ok()) {
                    if (index < m_entries.size())
                        m_entries[index].report = *report;
                    showReport(*report);
                } else {
                    showReport(std::nullopt);
                    showResult(Tone::Error, report.error().toText());
                }
                updateControls();
                Q_EMIT checkFinished(report.ok());
            });
    watcher->setFuture(QtConcurrent::run(runCheck, driver, folder));
}

void ContextSourcesPage::cancelCheck()
{
    if (!m_checking)
        return;
    // The parser has no cancellation point; its answer is dropped when it arrives.
    ++m_checkGeneration;
    m_checking = false;
    showResult(Tone::None, tr("Check stopped."));
    updateControls();
}

void ContextSourcesPage::save()
{
    const QString dir = projectDir();
    if (dir.isEmpty() || m_saving)
        return;
    if (m_checking)
        cancelCheck();
    SaveRequest request;
    request.projectDir = dir;
    request.entries = m_entries;
    request.removed = m_removed;
    m_saving = true;
    showResult(Tone::Busy, tr("Saving the context sources to ktx.yaml…"));
    updateControls();
    Q_EMIT completeChanged();

    auto *watcher = new QFutureWatcher<Result<void>>(this);
    connect(watcher, &QFutureWatcher<Result<void>>::finished, this, [this, watcher] {
        const Result<void> result = watcher->result();
        watcher->deleteLater();
        m_saving = false;
        const bool advance = m_advanceAfterSave;
        m_advanceAfterSave = false;
        if (!result.ok()) {
            showResult(Tone::Error, result.error().toText());
            updateControls();
            Q_EMIT completeChanged();
            Q_EMIT saveFailed(result.error().toText());
            return;
        }
        // What was written is now what ktx.yaml holds.
        m_removed.clear();
        for (Entry &e : m_entries) {
            e.savedId = e.id;
            e.savedDriver = e.driver;
            e.edited = false;
        }
        showResult(Tone::Ok,
                   m_entries.isEmpty() ? tr("Saved: no context sources.")
                                       : tr("Saved to ktx.yaml."));
        updateControls();
        Q_EMIT completeChanged();
        if (!m_entries.isEmpty())
            if (auto *setup = qobject_cast<SetupWizard *>(wizard()))
                setup->markStepCompleted(QStringLiteral("sources"));
        Q_EMIT saved();
        if (advance && wizard() && wizard()->currentPage() == this)
            wizard()->next();
    });
    watcher->setFuture(QtConcurrent::run(runSave, request));
}

void ContextSourcesPage::updateControls()
{
    const bool have = m_current >= 0 && m_current < m_entries.size();
    const bool idle = !m_saving && !m_loading;
    m_list->setEnabled(idle);
    m_add->setEnabled(idle && !projectDir().isEmpty());
    m_remove->setEnabled(idle && have);
    m_editor->setEnabled(idle && have);
    const bool git = have && m_entries.at(m_current).git;
    m_form->setRowVisible(m_folderRow, !git);
    m_form->setRowVisible(m_gitUrl, git);
    m_form->setRowVisible(m_branch, git);
    const QString idProblem = have ? idProblemOf(m_current) : QString();
    m_idMessage->setText(idProblem);
    m_idMessage->setVisible(!idProblem.isEmpty());
    m_id->setPlaceholderText(have ? suggestedId(m_entries.at(m_current).driver, m_current)
                                  : QString());
    m_check->setEnabled(have && idle && !m_checking);
    m_check->setVisible(!m_checking);
    m_cancel->setVisible(m_checking);
    m_busy->setVisible(m_checking || m_saving || m_loading);
    if (!have && m_tone != Tone::Error && m_tone != Tone::Busy)
        showResult(Tone::None,
                   m_entries.isEmpty()
                       ? tr("No context sources. Add one, or press Next to skip this step.")
                       : QString());
}

void ContextSourcesPage::showReport(const std::optional<ContextSourceReport> &report)
{
    m_issues->clear();
    if (!report) {
        m_summary->clear();
        m_summary->hide();
        m_issues->setEnabled(false);
        if (m_tone == Tone::Ok || m_tone == Tone::Warn)
            showResult(Tone::None, {});
        return;
    }
    const ContextSourceReport &r = *report;
    m_issues->setEnabled(true);

    // Counts the source type has, then any other the parser filled in.
    QStringList counts;
    const auto count = [&counts](int n, const QString &one, const QString &many) {
        counts << (n == 1 ? one : many.arg(n));
    };
    const QString driver = r.driver.isEmpty() && m_current >= 0 && m_current < m_entries.size()
        ? m_entries.at(m_current).driver
        : r.driver;
    const bool dbt = driver == QLatin1String("dbt");
    const bool metricflow = driver == QLatin1String("metricflow");
    const bool lookml = driver == QLatin1String("lookml");
    if (dbt || r.models > 0)
        count(r.models, tr("1 model"), tr("%1 models"));
    if (r.sourceTables > 0)
        count(r.sourceTables, tr("1 source table"), tr("%1 source tables"));
    if (metricflow && r.models == 0)
        count(r.models, tr("1 semantic model"), tr("%1 semantic models"));
    if (metricflow || r.metrics > 0)
        count(r.metrics, tr("1 metric"), tr("%1 metrics"));
    if (lookml || r.views > 0)
        count(r.views, tr("1 view"), tr("%1 views"));
    if (lookml || r.explores > 0)
        count(r.explores, tr("1 explore"), tr("%1 explores"));
    if (r.measures > 0)
        count(r.measures, tr("1 measure"), tr("%1 measures"));
    if (r.joins > 0)
        count(r.joins, tr("1 join"), tr("%1 joins"));
    count(int(r.filesRead.size()), tr("1 file read"), tr("%1 files read"));
    count(int(r.skipped.size()), tr("1 item skipped"), tr("%1 items skipped"));
    count(int(r.errors.size()), tr("1 error"), tr("%1 errors"));
    m_summary->setText(counts.join(QStringLiteral(" · ")));
    m_summary->show();

    const auto group = [this](const QString &title, int n) {
        auto *item = new QTreeWidgetItem(m_issues);
        item->setText(0, tr("%1 (%2)").arg(title).arg(n));
        item->setFirstColumnSpanned(true);
        item->setFlags(Qt::ItemIsEnabled);
        QFont font = item->font(0);
        font.setBold(true);
        item->setFont(0, font);
        return item;
    };
    const auto located = [](QTreeWidgetItem *item, const QString &path, int line) {
        item->setText(0, locationText(path, line));
        item->setData(0, IssuePathRole, path);
        item->setData(0, IssueLineRole, line);
        item->setToolTip(0, locationText(path, line));
    };
    if (!r.errors.isEmpty()) {
        QTreeWidgetItem *errors = group(tr("Errors"), int(r.errors.size()));
        for (const SourceFileIssue &issue : r.errors) {
            auto *item = new QTreeWidgetItem(errors);
            located(item, issue.path, issue.line);
            item->setText(1, issue.message);
            item->setToolTip(1, issue.message);
        }
        errors->setExpanded(true);
    }
    if (!r.skipped.isEmpty()) {
        QTreeWidgetItem *skipped = group(tr("Skipped"), int(r.skipped.size()));
        for (const SkippedItem &s : r.skipped) {
            auto *item = new QTreeWidgetItem(skipped);
            located(item, s.path, s.line);
            if (s.path.isEmpty())
                item->setText(0, s.item);
            item->setText(
                1, s.path.isEmpty() ? s.reason : QStringLiteral("%1: %2").arg(s.item, s.reason));
            item->setToolTip(1, item->text(1));
        }
        skipped->setExpanded(true);
    }
    QTreeWidgetItem *files = group(tr("Files read"), int(r.filesRead.size()));
    for (const QString &path : r.filesRead) {
        auto *item = new QTreeWidgetItem(files);
        located(item, path, 0);
    }
    files->setExpanded(r.errors.isEmpty() && r.skipped.isEmpty());

    const QString name = driverLabel(driver);
    if (r.errors.isEmpty())
        showResult(Tone::Ok, tr("The %1 project reads cleanly.").arg(name));
    else
        showResult(Tone::Warn,
                   r.errors.size() == 1
                       ? tr("The %1 project was read; 1 problem needs fixing (the rest is still "
                            "ingested).")
                             .arg(name)
                       : tr("The %1 project was read; %2 problems need fixing (the rest is still "
                            "ingested).")
                             .arg(name)
                             .arg(r.errors.size()));
}

void ContextSourcesPage::openIssue(QTreeWidgetItem *item)
{
    if (!item || m_current < 0 || m_current >= m_entries.size())
        return;
    const QString path = item->data(0, IssuePathRole).toString();
    const Entry &e = m_entries.at(m_current);
    if (path.isEmpty() || e.git)
        return;
    const QString root = e.subPath.isEmpty() ? absoluteFolder(e.folder)
                                             : QDir(absoluteFolder(e.folder)).filePath(e.subPath);
    // The system's editor for the file; our own editors open project files only.
    QDesktopServices::openUrl(QUrl::fromLocalFile(QDir(root).filePath(path)));
}

void ContextSourcesPage::copyIssues()
{
    QStringList lines;
    for (QTreeWidgetItem *item : m_issues->selectedItems()) {
        const QString detail = item->text(1);
        lines << (detail.isEmpty() ? item->text(0)
                                   : QStringLiteral("%1: %2").arg(item->text(0), detail));
    }
    if (!lines.isEmpty())
        QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

void ContextSourcesPage::showResult(Tone tone, const QString &text)
{
    m_tone = text.isEmpty() ? Tone::None : tone;
    m_result->setText(text);
    m_result->setVisible(!text.isEmpty());
    updateColors();
}

void ContextSourcesPage::updateColors()
{
    ReadinessState state = ReadinessState::Skipped;
    switch (m_tone) {
    case Tone::Ok:
        state = ReadinessState::Ok;
        break;
    case Tone::Warn:
        state = ReadinessState::Warn;
        break;
    case Tone::Error:
        state = ReadinessState::Fail;
        break;
    case Tone::Busy:
    case Tone::None:
        break;
    }
    const bool icon = m_tone == Tone::Ok || m_tone == Tone::Warn || m_tone == Tone::Error;
    QPalette pal = palette();
    pal.setColor(QPalette::WindowText,
                 icon ? ColorScheme::stateColor(state, palette())
                      : ColorScheme::secondaryText(palette()));
    m_result->setPalette(pal);
    QPalette idPalette = palette();
    idPalette.setColor(QPalette::WindowText,
                       ColorScheme::stateColor(ReadinessState::Fail, palette()));
    m_idMessage->setPalette(idPalette);
    m_resultIcon->setVisible(icon);
    if (icon)
        m_resultIcon->setPixmap(
            StateIcon::pixmap(state, palette(), ResultIconSize, devicePixelRatioF()));
}

} // namespace ktx
