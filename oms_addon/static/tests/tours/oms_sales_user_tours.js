/** @odoo-module **/
// A sales person without OMS rights keeps working as before the install
// (oms_addon/tests/test_ui.py sets the data up and logs in as that user).

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";
import tourUtils from "@sale/js/tours/tour_utils";

registry.category("web_tour.tours").add("oms_sales_user_plain_quotation", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open Sales"),
        ...tourUtils.createNewSalesOrder(),
        ...tourUtils.selectCustomer("OMS Tour Customer"),
        ...tourUtils.addProduct("OMS Tour Widget"),
        {
            content: "Two of them",
            trigger: 'div[name="product_uom_qty"] input',
            run: "edit 2 && press Tab",
        },
        {
            content: "The line is priced",
            trigger: '.o_field_cell[name=price_subtotal]:contains("20.00")',
        },
        {
            content: "Confirm the quotation",
            trigger: "button[name=action_confirm]:enabled",
            run: "click",
        },
        {
            content: "It is a sales order now",
            trigger:
                '.o_field_widget[name=state] .o_arrow_button_current:contains("Sales Order")',
        },
    ],
});

registry.category("web_tour.tours").add("oms_sales_user_oms_order", {
    steps: () => [
        {
            content: "The OMS order opens with its OMS stage as status bar",
            trigger:
                '.o_form_view .o_field_widget[name=oms_stage] .o_arrow_button_current:contains("On Hold")',
        },
        {
            content: "Its order lines show",
            trigger: ".o_form_view .o_field_widget[name=order_line] .o_data_row",
        },
        {
            content: "Other Info opens",
            trigger: '.o_notebook .nav-link:contains("Other Info")',
            run: "click",
        },
        {
            content: "The Confirm button of a held order",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm]:enabled",
            run: "click",
        },
        {
            content: "is refused, saying why",
            trigger: '.modal:contains("is on hold and cannot be confirmed")',
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer button",
            run: "click",
        },
        {
            content: "The order is still on hold",
            trigger:
                '.o_form_view .o_field_widget[name=oms_stage] .o_arrow_button_current:contains("On Hold")',
        },
    ],
});
