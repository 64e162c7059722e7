/**
 * Injected by the driver (Selenium execute_script, page world): the consent platform autoconsent sees
 * on this page, as recorded by addon/autoconsent_bridge.js; null when the bridge is not on the page.
 */
return window.consentQaPlatform ? window.consentQaPlatform.state() : null;
