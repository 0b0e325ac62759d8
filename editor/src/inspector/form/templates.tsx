/**
 * rjsf templates fitted to the inspector: buttons with words instead of icon-font glyphs (no icon
 * font is loaded), and array items stacked with their buttons above them (the default lays them
 * side by side, too wide for the inspector).
 */
import { getTemplate, getUiOptions, type ArrayFieldItemTemplateProps, type IconButtonProps } from '@rjsf/utils';
import type { FormProps } from '@rjsf/core';

function textButton(text: string, extra = '') {
  return function TextButton({ icon: _icon, iconType: _type, uiSchema: _ui, registry: _registry, className, title, ...rest }: IconButtonProps) {
    return (
      <button type="button" className={`btn btn--small ${extra} ${className ?? ''}`} title={title ?? text} aria-label={title ?? text} {...rest}>
        {text}
      </button>
    );
  };
}

function ArrayItem({ children, className, buttonsProps, hasToolbar, registry, uiSchema }: ArrayFieldItemTemplateProps) {
  const Buttons = getTemplate('ArrayFieldItemButtonsTemplate', registry, getUiOptions(uiSchema));
  return (
    <div className={`array-item ${className ?? ''}`}>
      {hasToolbar && (
        <div className="array-item-toolbox">
          <Buttons {...buttonsProps} />
        </div>
      )}
      <div className="array-item__body">{children}</div>
    </div>
  );
}

export const TEMPLATES: FormProps['templates'] = {
  ArrayFieldItemTemplate: ArrayItem,
  ButtonTemplates: {
    AddButton: textButton('+ Add'),
    CopyButton: textButton('Copy'),
    MoveDownButton: textButton('↓'),
    MoveUpButton: textButton('↑'),
    RemoveButton: textButton('Remove', 'btn--danger'),
    ClearButton: textButton('Clear'),
    SubmitButton: () => null,
  },
};
