/* conf_declassify_double releases an aggregate statistic (the mean of private salaries) that
 * the program is allowed to print. */
#include <stdio.h>
#include <confpass.h>

private double salaries[8];

void report_mean(void) {
    double sum = 0;
    for (int i = 0; i < 8; i++)
        sum += salaries[i];
    printf("mean salary: %.2f\n", conf_declassify_double(sum / 8));
}
