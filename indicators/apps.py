from pacte import portal


class IndicatorsConfig(portal.PortalApp):
    """The programme's indicators: what every app declares (`PortalApp.metrics()`), the people
    mobilised counted once across the six actions, monthly snapshots, surveys after the actions,
    the dashboard `/indicateurs/` and its exports.

    It reads the action apps only through their declarations (pacte/portal.py), never by importing
    them: removing an action app removes its figures, nothing else.
    """

    name = "indicators"
    verbose_name = "Indicateurs"

    urls = "indicators.urls"
    url_prefix = "indicateurs/"
    stylesheets = ("css/indicators.css",)
