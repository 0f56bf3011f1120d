/** @odoo-module **/
// Tour steps that ask the test for a screenshot of the page (tests/tour_common.py): the
// test's Chrome saves it when OMS_SCREENSHOTS names a directory, then marks the body.

export function screenshot(name, trigger) {
    return [
        {
            // No tooltip of the last click in the picture: the pointer "leaves" its button.
            trigger,
            run() {
                for (const element of document.querySelectorAll("[data-tooltip]")) {
                    element.dispatchEvent(new MouseEvent("mouseleave"));
                }
            },
        },
        {
            trigger: "body:not(:has(.o-tooltip))",
        },
        {
            content: `Screenshot: ${name}`,
            trigger,
            run() {
                console.log(`oms-screenshot ${name}`);
            },
        },
        {
            content: `Screenshot taken: ${name}`,
            trigger: `body[data-oms-screenshot='${name}']`,
        },
    ];
}
