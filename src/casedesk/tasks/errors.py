"""Task failures."""

from casedesk.errors import NotFound, Unprocessable


class TaskNotFound(NotFound):
    """No task with this id on the case."""

    def __init__(self) -> None:
        super().__init__("Task not found")


class TaskCaseNotFound(NotFound):
    """The case named in the path is not a case of this workspace."""

    def __init__(self) -> None:
        super().__init__("Case not found")


class TriggerValuesWithoutWorkflow(Unprocessable):
    """A change would leave trigger values on a task without a workflow."""

    def __init__(self) -> None:
        super().__init__("default_trigger_values requires workflow_id")
